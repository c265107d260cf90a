package dev.edgetrust.pki.vault.config;

import dev.edgetrust.config.GoDuration;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code modules.edgeHub.vault} as written: the seed proposal's keys ({@code enable}, {@code
 * address}, {@code tokenFile}, {@code role}, {@code commonName}, {@code ttl}, {@code pki}, {@code
 * serverCA}) plus what a deployment needs (the auth method and its details, the renewal window, how
 * often to look again after a refusal). Off by default; while off, the rest is not checked, as
 * KubeEdge does for a disabled module.
 *
 * <p>Paths are not resolved here and the node-dependent defaults ({@code role}, {@code commonName})
 * are not applied: {@link VaultSettings#from} does both, knowing the file and the node.
 *
 * @param enable get the node's certificates from Vault instead of the CloudHub's bootstrap (false)
 * @param address Vault's address, {@code https://vault.example.com:8200}
 * @param tokenFile the node's Vault token, read on every use (token auth; with cert auth, the token
 *     for the first certificate)
 * @param role the PKI role to sign with; default {@code edge-node-<node>}, as {@code edgetrust
 *     enroll} names it
 * @param commonName default {@code system:node:<node>}; the CloudHub admits nothing else
 * @param ttl the certificate lifetime asked for, a Go duration (24h); Vault may cap it
 * @param pki the PKI secrets engine's mount ({@code pki})
 * @param serverCA a PEM file of the CA Vault's TLS certificate chains to; default: the JDK's trust
 *     store
 * @param authMethod {@code token} (default), {@code approle} or {@code cert}
 * @param approle the AppRole login, for {@code authMethod: approle}
 * @param cert the TLS certificate login, for {@code authMethod: cert}
 * @param renewalWindow when in its lifetime a certificate is renewed (2/3 to 3/4)
 * @param recheck how often to try again after Vault refused (an expired or revoked token), and how
 *     often the token is looked up: a replaced token file is picked up this soon (1m)
 */
public record VaultConfig(
    Boolean enable,
    String address,
    String tokenFile,
    String role,
    String commonName,
    String ttl,
    String pki,
    String serverCA,
    String authMethod,
    AppRole approle,
    Cert cert,
    Window renewalWindow,
    String recheck) {

  public static final String DEFAULT_TTL = "24h";
  public static final String DEFAULT_PKI = "pki";
  public static final String DEFAULT_RECHECK = "1m";

  /** Below this, renewal would be most of what a node does. */
  public static final Duration MIN_TTL = Duration.ofSeconds(10);

  /** How a node authenticates to Vault. */
  public enum AuthMethod {
    TOKEN,
    APPROLE,
    CERT;

    static AuthMethod parse(String text) {
      String t = text == null || text.isBlank() ? "token" : text.strip().toLowerCase(Locale.ROOT);
      return switch (t) {
        case "token" -> TOKEN;
        case "approle" -> APPROLE;
        case "cert" -> CERT;
        default ->
            throw new IllegalArgumentException(
                "'authMethod' must be token, approle or cert, not '" + printable(text) + "'");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public VaultConfig {
    enable = enable != null && enable;
    address = strip(address);
    tokenFile = strip(tokenFile);
    role = strip(role);
    commonName = strip(commonName);
    ttl = ttl == null || ttl.isBlank() ? DEFAULT_TTL : ttl.strip();
    pki = pki == null || pki.isBlank() ? DEFAULT_PKI : pki.strip();
    serverCA = strip(serverCA);
    authMethod = authMethod == null || authMethod.isBlank() ? "token" : authMethod.strip();
    approle = approle == null ? new AppRole(null, null, null) : approle;
    cert = cert == null ? new Cert(null, null) : cert;
    renewalWindow = renewalWindow == null ? new Window(null, null) : renewalWindow;
    recheck = recheck == null || recheck.isBlank() ? DEFAULT_RECHECK : recheck.strip();
    if (enable) {
      // A compact constructor assigns the fields only at its end: pass the values.
      check(address, tokenFile, role, ttl, pki, authMethod, approle, cert, recheck);
    }
  }

  private static void check(
      String address,
      String tokenFile,
      String role,
      String ttl,
      String pki,
      String authMethod,
      AppRole approle,
      Cert cert,
      String recheck) {
    if (address.isEmpty()) {
      throw new IllegalArgumentException(
          "'address' is required when 'enable' is true: Vault's address, e.g. https://vault.example.com:8200");
    }
    vaultAddress(address);
    AuthMethod method = AuthMethod.parse(authMethod);
    switch (method) {
      case TOKEN -> {
        if (tokenFile.isEmpty()) {
          throw new IllegalArgumentException(
              "'tokenFile' is required with 'authMethod' token: the file holding the node's Vault token"
                  + " (./edgetrust enroll NODE writes one)");
        }
      }
      case APPROLE -> {
        if (approle.roleId().isEmpty()) {
          throw new IllegalArgumentException(
              "'approle.roleId' is required with 'authMethod' approle");
        }
        if (approle.secretIdFile().isEmpty()) {
          throw new IllegalArgumentException(
              "'approle.secretIdFile' is required with 'authMethod' approle: the file holding the node's secret_id");
        }
      }
      case CERT -> {
        if (!address.toLowerCase(Locale.ROOT).startsWith("https://")) {
          throw new IllegalArgumentException(
              "'address' must be https:// with 'authMethod' cert: the certificate is presented in the TLS handshake");
        }
      }
    }
    Duration lifetime = GoDuration.parse("ttl", ttl);
    if (lifetime.compareTo(MIN_TTL) < 0) {
      throw new IllegalArgumentException("'ttl' must be at least 10s, was '" + ttl + "'");
    }
    mount("pki", pki);
    if (!role.isEmpty()) {
      name("role", role);
    }
    mount("approle.mount", approle.mount());
    mount("cert.mount", cert.mount());
    if (!cert.role().isEmpty()) {
      name("cert.role", cert.role());
    }
    Duration again = GoDuration.parse("recheck", recheck);
    if (again.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("'recheck' must be at least 1s, was '" + recheck + "'");
    }
  }

  /** The auth method, parsed. */
  public AuthMethod method() {
    return AuthMethod.parse(authMethod);
  }

  /**
   * Parses a Vault address as the Vault CLI takes it.
   *
   * @throws IllegalArgumentException "'address' ..." if it is not http(s)://host[:port]
   */
  public static URI vaultAddress(String text) {
    String bad =
        "'address' must be Vault's http(s) address, e.g. https://vault.example.com:8200, not '"
            + printable(text)
            + "'";
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(bad);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(bad);
    }
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  private static void mount(String key, String value) {
    if (!value.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' must be a Vault mount path such as pki (letters, digits, '.', '_', '-', '/'), not '"
              + printable(value)
              + "'");
    }
  }

  private static void name(String key, String value) {
    if (!value.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' must be a Vault name (letters, digits, '.', '_', '-'), not '"
              + printable(value)
              + "'");
    }
  }

  private static String strip(String s) {
    return s == null ? "" : s.strip();
  }

  public static String printable(String s) {
    return dev.edgetrust.text.UntrustedText.printable(s, 80);
  }

  /**
   * {@code modules.edgeHub.vault.approle}.
   *
   * @param mount where the AppRole method is mounted ({@code approle})
   * @param roleId the node's role_id (not a secret on its own)
   * @param secretIdFile the file holding the node's secret_id, read at each login
   */
  public record AppRole(String mount, String roleId, String secretIdFile) {
    public AppRole {
      mount = mount == null || mount.isBlank() ? "approle" : mount.strip();
      roleId = strip(roleId);
      secretIdFile = strip(secretIdFile);
    }
  }

  /**
   * {@code modules.edgeHub.vault.cert}.
   *
   * @param mount where the cert method is mounted ({@code cert})
   * @param role the cert method's entry to log in against; empty lets Vault pick the one that
   *     matches
   */
  public record Cert(String mount, String role) {
    public Cert {
      mount = mount == null || mount.isBlank() ? "cert" : mount.strip();
      role = strip(role);
    }
  }

  /**
   * {@code modules.edgeHub.vault.renewalWindow}: fractions of a certificate's lifetime between
   * which its renewal time is picked at random, so that nodes enrolled together do not renew
   * together.
   *
   * @param from default 2/3 (when Vault Agent renews a lease)
   * @param to default 3/4: a quarter of the lifetime is left for retries
   */
  public record Window(Double from, Double to) {
    public static final double DEFAULT_FROM = 2.0 / 3.0;
    public static final double DEFAULT_TO = 0.75;

    public Window {
      from = from == null ? DEFAULT_FROM : from;
      to = to == null ? DEFAULT_TO : to;
      if (!(from > 0 && from <= to && to < 1)) {
        throw new IllegalArgumentException(
            "'from' must be greater than 0 and at most 'to', and 'to' less than 1 (fractions of the"
                + " certificate's lifetime); were "
                + from
                + " and "
                + to);
      }
    }
  }
}
