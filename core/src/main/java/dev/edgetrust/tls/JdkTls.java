package dev.edgetrust.tls;

import dev.edgetrust.x509.HeldCertificate;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK {@link SSLContext}s for clients that use the JDK's own HTTP stack (enrollment, renewal,
 * Vault): trust exactly the given CAs, optionally present a client certificate, TLS 1.2+.
 */
public final class JdkTls {
  private static final char[] IN_MEMORY = new char[0];

  private JdkTls() {}

  public static SSLContext context(Optional<HeldCertificate> client, List<X509Certificate> trust) {
    try {
      KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
      trustStore.load(null, null);
      for (int i = 0; i < trust.size(); i++) {
        trustStore.setCertificateEntry("ca-" + i, trust.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore);
      return context(client, tmf.getTrustManagers());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a TLS context from certificates we hold", e);
    }
  }

  /** A context that trusts exactly the server certificate {@code trust} pins, and no CA. */
  public static SSLContext context(Optional<HeldCertificate> client, PinnedServerTrust trust) {
    return context(client, new TrustManager[] {trust});
  }

  private static SSLContext context(Optional<HeldCertificate> client, TrustManager[] trust) {
    try {
      KeyManagerFactory kmf = null;
      if (client.isPresent()) {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(
            "client", client.get().privateKey(), IN_MEMORY, client.get().chain().toArray(Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, IN_MEMORY);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a TLS context from certificates we hold", e);
    }
  }

  /** Parameters that restrict a JDK client to {@link TlsProtocols#supported()}. */
  public static SSLParameters parameters() {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(TlsProtocols.supported());
    return parameters;
  }
}
