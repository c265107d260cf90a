package dev.edgetrust.pki.vault.http;

import dev.edgetrust.x509.HeldCertificate;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where Vault is and how to talk to it: address, the CA its TLS certificate must chain to,
 * timeouts, namespace and retry policy. Immutable; made with {@link #builder(URI)} or {@link
 * #fromEnvironment(Map, VaultFlags)}.
 *
 * <p>No token lives here: what authenticates a request is a {@link VaultCredential}, so one
 * connection can serve an operator's token and a node's.
 */
public final class VaultConnection {
  /** The Vault CLI's default when {@code VAULT_ADDR} is not set. */
  public static final String DEFAULT_ADDRESS = "https://127.0.0.1:8200";

  private final URI address;
  private final Optional<Path> serverCa;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Optional<String> namespace;
  private final RetryPolicy retryPolicy;
  private final Optional<Supplier<Optional<HeldCertificate>>> clientCertificate;

  private VaultConnection(Builder b) {
    this.address = b.address;
    this.serverCa = b.serverCa;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.namespace = b.namespace;
    this.retryPolicy = b.retryPolicy;
    this.clientCertificate = b.clientCertificate;
  }

  /**
   * @throws IllegalArgumentException if {@code address} is not an http(s) URI with a host
   */
  public static Builder builder(URI address) {
    return new Builder(address);
  }

  /** {@link #builder(URI)} for an address as a person types it ({@code https://vault:8200}). */
  public static Builder builder(String address) {
    return new Builder(parseAddress(address, "address"));
  }

  /**
   * A connection set up as the {@code vault} CLI would be: {@code VAULT_ADDR} (default {@value
   * #DEFAULT_ADDRESS}), {@code VAULT_CACERT}, {@code VAULT_NAMESPACE}, with the flags in {@code
   * flags} taking precedence.
   *
   * @throws IllegalArgumentException naming the flag or variable whose value is not a usable
   *     address
   */
  public static Builder fromEnvironment(Map<String, String> env, VaultFlags flags) {
    Builder builder;
    if (flags.address().isPresent()) {
      builder = new Builder(parseAddress(flags.address().get(), "--address"));
    } else if (nonBlank(env.get("VAULT_ADDR")) != null) {
      builder = new Builder(parseAddress(env.get("VAULT_ADDR"), "VAULT_ADDR"));
    } else {
      builder = new Builder(URI.create(DEFAULT_ADDRESS));
    }
    if (flags.caCert().isPresent()) {
      builder.serverCa(flags.caCert().get());
    } else if (nonBlank(env.get("VAULT_CACERT")) != null) {
      builder.serverCa(Path.of(env.get("VAULT_CACERT").trim()));
    }
    String namespace = nonBlank(env.get("VAULT_NAMESPACE"));
    if (namespace != null) {
      builder.namespace(namespace);
    }
    return builder;
  }

  private static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static URI parseAddress(String text, String source) {
    try {
      return checkAddress(new URI(text.trim()), source);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          source
              + ": '"
              + text
              + "' is not a Vault address (expected e.g. https://vault.example.com:8200)");
    }
  }

  private static URI checkAddress(URI uri, String source) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
      throw new IllegalArgumentException(
          source
              + ": '"
              + uri
              + "' is not a Vault address (expected e.g. https://vault.example.com:8200)");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          source + ": a Vault address carries no query, fragment or user: '" + uri + "'");
    }
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  /** The address, without a trailing slash: {@code https://vault.example.com:8200}. */
  public URI address() {
    return address;
  }

  /** The URI of an API path ({@code pki/sign/edge}) under {@code /v1/}. */
  public URI uri(String path) {
    return URI.create(address + "/v1/" + path);
  }

  public Optional<Path> serverCa() {
    return serverCa;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Optional<String> namespace() {
    return namespace;
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The client certificate offered in TLS handshakes (Vault's {@code cert} auth), read per
   * handshake.
   */
  public Optional<Supplier<Optional<HeldCertificate>>> clientCertificate() {
    return clientCertificate;
  }

  public boolean isTls() {
    return address.getScheme().equalsIgnoreCase("https");
  }

  public Builder toBuilder() {
    Builder b = new Builder(address);
    b.serverCa = serverCa;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.namespace = namespace;
    b.retryPolicy = retryPolicy;
    b.clientCertificate = clientCertificate;
    return b;
  }

  @Override
  public String toString() {
    return "VaultConnection["
        + address
        + serverCa.map(p -> ", serverCA " + p).orElse("")
        + namespace.map(n -> ", namespace " + n).orElse("")
        + "]";
  }

  /** Settings for a {@link VaultConnection}; every one but the address has a default. */
  public static final class Builder {
    private URI address;
    private Optional<Path> serverCa = Optional.empty();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Optional<String> namespace = Optional.empty();
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Optional<Supplier<Optional<HeldCertificate>>> clientCertificate = Optional.empty();

    private Builder(URI address) {
      this.address = checkAddress(Objects.requireNonNull(address, "address"), "address");
    }

    public Builder address(URI address) {
      this.address = checkAddress(Objects.requireNonNull(address, "address"), "address");
      return this;
    }

    /**
     * A PEM file of the CA(s) Vault's TLS certificate must chain to; without it, the JDK's trust
     * store.
     */
    public Builder serverCa(Path pemFile) {
      this.serverCa = Optional.of(pemFile);
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long one request may take, connection included; a timeout counts as "unavailable". */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** Vault Enterprise namespace, sent as {@code X-Vault-Namespace}. */
    public Builder namespace(String namespace) {
      this.namespace = Optional.of(namespace).filter(n -> !n.isBlank());
      return this;
    }

    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
      return this;
    }

    /**
     * The certificate and key to offer when Vault asks for a client certificate (the {@code cert}
     * auth method). Asked on every new TLS connection, so a renewed certificate is used without a
     * restart.
     */
    public Builder clientCertificate(Supplier<Optional<HeldCertificate>> source) {
      this.clientCertificate = Optional.of(source);
      return this;
    }

    public VaultConnection build() {
      return new VaultConnection(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
