package dev.edgetrust.tls;

import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The key and trust material of one side of a TLS handshake, as JDK objects: what this side
 * presents (a {@link HeldCertificate}, or a key manager that picks one per handshake) and what it
 * trusts (exactly the CA certificates added, or one trust manager of its own such as {@link
 * PinnedServerTrust}). Immutable; in the style of okhttp-tls's {@code HandshakeCertificates}.
 *
 * <p>Defaults, so that no caller has to remember them: TLS 1.3 and 1.2 only ({@link TlsProtocols});
 * nothing presented; nothing trusted — a handshake that needs trust fails until certificates, the
 * platform's roots or a trust manager are added.
 *
 * <p>JDK clients use {@link #sslContext()} and {@link #sslParameters()}; Netty takes {@link
 * #keyManager()} and {@link #trustManager()} ({@code SslContextBuilder.forServer(KeyManager)},
 * {@code .keyManager(KeyManager)}, {@code .trustManager(TrustManager)}) and {@link #protocols()}.
 * This class itself needs no Netty.
 */
public final class HandshakeCertificates {
  private final Optional<X509ExtendedKeyManager> keyManager;
  private final X509ExtendedTrustManager trustManager;
  private final List<String> protocols;

  private HandshakeCertificates(Builder builder) {
    this.keyManager = builder.keyManager;
    this.trustManager =
        builder.trustManager.orElseGet(() -> trusting(builder.trusted, builder.platformTrust));
    this.protocols = List.copyOf(builder.protocols);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What this side presents, if anything. */
  public Optional<X509ExtendedKeyManager> keyManager() {
    return keyManager;
  }

  /** What this side trusts in its peer. */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /** The TLS versions offered, highest first. */
  public String[] protocols() {
    return protocols.toArray(String[]::new);
  }

  /** A new JDK context with this material (a context is cheap to build and safe to share). */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keys = keyManager.map(k -> new KeyManager[] {k}).orElse(null);
      context.init(keys, new TrustManager[] {trustManager}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM offers no TLS context: " + e.getMessage(), e);
    }
  }

  /** Parameters that restrict a JDK client or server to {@link #protocols()}. */
  public SSLParameters sslParameters() {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(protocols());
    return parameters;
  }

  @Override
  public String toString() {
    // Never the key: what is presented is named by its certificate only.
    return "HandshakeCertificates[presents "
        + (keyManager.isPresent() ? "a certificate" : "nothing")
        + ", trusts via "
        + trustManager.getClass().getSimpleName()
        + ", "
        + protocols
        + "]";
  }

  private static X509ExtendedTrustManager trusting(
      List<X509Certificate> trusted, boolean platform) {
    try {
      List<X509Certificate> anchors = new ArrayList<>(trusted);
      if (platform) {
        anchors.addAll(Arrays.asList(pkix(null).getAcceptedIssuers()));
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("ca-" + i, anchors.get(i));
      }
      return pkix(store);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "cannot build a trust manager from certificates we hold: " + e.getMessage(), e);
    }
  }

  /** The JDK's PKIX trust manager over {@code store} ({@code null}: the platform's roots). */
  private static X509ExtendedTrustManager pkix(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager candidate : factory.getTrustManagers()) {
      if (candidate instanceof X509ExtendedTrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
  }

  private static X509ExtendedKeyManager keyManagerFor(HeldCertificate held) {
    // In memory only: the password protects nothing here, the key never leaves this object.
    char[] inMemory = new char[0];
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "held", held.privateKey(), inMemory, held.chain().toArray(Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, inMemory);
      for (KeyManager candidate : factory.getKeyManagers()) {
        if (candidate instanceof X509ExtendedKeyManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedKeyManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "cannot build a key manager from a certificate we hold: " + e.getMessage(), e);
    }
  }

  /** Collects the material; {@link #build()} checks that the trust is given one way only. */
  public static final class Builder {
    private Optional<X509ExtendedKeyManager> keyManager = Optional.empty();
    private Optional<X509ExtendedTrustManager> trustManager = Optional.empty();
    private final List<X509Certificate> trusted = new ArrayList<>();
    private boolean platformTrust;
    private List<String> protocols = List.of(TlsProtocols.supported());

    private Builder() {}

    /** Presents {@code held}: its leaf and chain, signed with its key. */
    public Builder heldCertificate(HeldCertificate held) {
      return keyManager(keyManagerFor(Objects.requireNonNull(held, "held")));
    }

    /** Presents {@code held} if there is one, nothing otherwise. */
    public Builder heldCertificate(Optional<HeldCertificate> held) {
      held.ifPresent(this::heldCertificate);
      return this;
    }

    /**
     * Presents what {@code keyManager} picks at each handshake: for a certificate that is renewed
     * while the context lives.
     */
    public Builder keyManager(X509ExtendedKeyManager keyManager) {
      this.keyManager = Optional.of(Objects.requireNonNull(keyManager, "keyManager"));
      return this;
    }

    /** Trusts peers whose chain ends at {@code ca}. */
    public Builder addTrustedCertificate(X509Certificate ca) {
      trusted.add(Objects.requireNonNull(ca, "ca"));
      return this;
    }

    public Builder addTrustedCertificates(List<X509Certificate> cas) {
      cas.forEach(this::addTrustedCertificate);
      return this;
    }

    /** Trusts the JVM's default roots as well (for a server with a publicly issued certificate). */
    public Builder addPlatformTrustedCertificates() {
      platformTrust = true;
      return this;
    }

    /**
     * Trusts what {@code trustManager} accepts, and nothing else: for checks no CA list expresses
     * (a pinned certificate, revocation). Not combined with trusted certificates.
     */
    public Builder trustManager(X509ExtendedTrustManager trustManager) {
      this.trustManager = Optional.of(Objects.requireNonNull(trustManager, "trustManager"));
      return this;
    }

    /** Offers only {@code protocols} (default {@link TlsProtocols#supported()}). */
    public Builder protocols(String... protocols) {
      if (protocols.length == 0) {
        throw new IllegalArgumentException("at least one TLS protocol");
      }
      this.protocols = List.of(protocols);
      return this;
    }

    /**
     * @throws IllegalStateException if both a trust manager and trusted certificates were given:
     *     the one would silently ignore the other
     */
    public HandshakeCertificates build() {
      if (trustManager.isPresent() && (platformTrust || !trusted.isEmpty())) {
        throw new IllegalStateException(
            "a trust manager and trusted certificates exclude each other");
      }
      return new HandshakeCertificates(this);
    }
  }
}
