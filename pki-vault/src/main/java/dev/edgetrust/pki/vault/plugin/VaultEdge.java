package dev.edgetrust.pki.vault.plugin;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.EdgePkiContext;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeIssuance;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.auth.TokenRenewer;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.config.VaultConfig.AuthMethod;
import dev.edgetrust.pki.vault.config.VaultSettings;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.HeldCertificate;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge node's link to Vault, built from {@code modules.edgeHub.vault} ({@link VaultSettings}):
 * the connection (address, server CA), the node's credential by auth method (a token file read on
 * every use, an AppRole login, or a login with the node's own certificate), a {@link
 * VaultPkiProvider} on the node's role, and, with a token, a {@link TokenRenewer} that looks the
 * token up at start and renews it at 2/3 of its TTL. The EdgeHub's generic issuer gets its
 * certificates through the {@link NodeIssuance} {@link #start()} makes.
 *
 * @param settings the node's resolved section
 * @param context the node and its files
 */
public record VaultEdge(VaultSettings settings, EdgePkiContext context) implements EdgePki {
  private static final Logger log = LoggerFactory.getLogger(VaultEdge.class);

  public VaultEdge {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(context, "context");
    // The node only ever asks for its own name, however the settings were made.
    if (!settings.commonName().equals(context.node().commonName())) {
      throw new IllegalArgumentException(
          "the Vault common name must be "
              + context.node().commonName()
              + ", was "
              + settings.commonName());
    }
  }

  /** These settings changed by {@code change}: for tests that shorten the recheck, say. */
  public VaultEdge with(UnaryOperator<VaultSettings> change) {
    return new VaultEdge(change.apply(settings), context);
  }

  @Override
  public String provider() {
    return VaultPkiFactory.NAME;
  }

  @Override
  public List<Path> secretFiles() {
    return settings.secretFiles();
  }

  @Override
  public double renewalFrom() {
    return settings.renewalWindow().from();
  }

  @Override
  public double renewalTo() {
    return settings.renewalWindow().to();
  }

  /**
   * Connects (lazily: no request is made here but the token lookup the renewer starts with).
   *
   * @throws ConfigException if the settings name an unreadable server CA, say
   */
  @Override
  public NodeIssuance start() throws ConfigException {
    VaultSettings vault = settings;
    Clock clock = context.clock();
    KeyCertificateFiles files =
        new KeyCertificateFiles(context.keyFile(), context.certificateFile());
    VaultConnection.Builder connection = VaultConnection.builder(vault.address());
    vault.serverCa().ifPresent(connection::serverCa);
    if (vault.authMethod() == AuthMethod.CERT) {
      // Offered in each new TLS handshake: after a renewal, Vault sees the new certificate.
      connection.clientCertificate(() -> validCertificate(files.view(), clock));
    }
    VaultClient client;
    try {
      client = VaultClient.connect(connection.build());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          context.config().file() + ": " + context.section() + ".serverCA: " + e.getMessage());
    }
    VaultCredential credential = credential(vault, connection.build(), files, clock);
    VaultPkiProvider provider =
        VaultPkiProvider.create(client, credential, vault.pki(), vault.role());
    Optional<TokenRenewer> renewer = Optional.empty();
    if (vault.authMethod() == AuthMethod.TOKEN) {
      renewer =
          Optional.of(
              new TokenRenewer(
                      new VaultTokens(client, clock),
                      credential,
                      Optional.empty(),
                      new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(60)),
                      vault.recheck(),
                      null)
                  .start());
    }
    log.info(
        "node {} takes its certificates from {} ({} auth, ttl {})",
        context.node(),
        provider,
        vault.authMethod(),
        vault.ttl());
    // The credential is read from a file an operator can replace: a refusal may go away.
    return NodeIssuance.builder(new NodeVault(provider, renewer), vault.ttl())
        .lifetimeStart(NodeIssuance.LifetimeStart.NOT_AFTER_MINUS_TTL)
        .mayRecover(true)
        .refusalRetry(vault.recheck())
        .build();
  }

  /** The node's provider, which keeps the node's token alive while it is open. */
  static final class NodeVault implements PkiProvider {
    private final VaultPkiProvider provider;
    private final Optional<TokenRenewer> renewer;

    NodeVault(VaultPkiProvider provider, Optional<TokenRenewer> renewer) {
      this.provider = provider;
      this.renewer = renewer;
    }

    @Override
    public String name() {
      return provider.name();
    }

    @Override
    public IssuedCertificate sign(SigningRequest request) throws PkiException {
      return provider.sign(request);
    }

    @Override
    public List<X509Certificate> trustAnchors() throws PkiException {
      return provider.trustAnchors();
    }

    /** The token renewer, if the node logs in with a token: for tests that watch it. */
    Optional<TokenRenewer> renewer() {
      return renewer;
    }

    @Override
    public void close() {
      renewer.ifPresent(TokenRenewer::close);
      provider.close();
    }

    @Override
    public String toString() {
      return provider.toString();
    }
  }

  private static VaultCredential credential(
      VaultSettings vault, VaultConnection connection, KeyCertificateFiles files, Clock clock) {
    return switch (vault.authMethod()) {
      case TOKEN -> VaultCredentials.tokenFile(vault.tokenFile().orElseThrow());
      case APPROLE -> {
        VaultSettings.AppRole a = vault.appRole().orElseThrow();
        yield VaultCredentials.appRole(a.mount(), a.roleId(), a.secretIdFile(), clock);
      }
      case CERT ->
          new CertificateOrToken(
              VaultCredentials.certificate(vault.certMount(), vault.certRole(), clock),
              vault.tokenFile().map(VaultCredentials::tokenFile),
              connection,
              files,
              clock);
    };
  }

  /** The node's certificate if it is on disk and valid now: what a cert login can present. */
  static Optional<HeldCertificate> validCertificate(KeyCertificateView files, Clock clock) {
    try {
      Optional<HeldCertificate> held = files.peek();
      return held.filter(
          h -> clock.instant().isBefore(h.notAfter()) && !clock.instant().isBefore(h.notBefore()));
    } catch (CredentialFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Cert auth: log in with the node's current certificate while it is valid; before the first one
   * (or after it expired offline) fall back to the token file, if one is configured. So a node
   * needs a token once, then renews with its certificate alone.
   */
  static final class CertificateOrToken implements VaultCredential {
    private final VaultCredential certificate;
    private final Optional<VaultCredential> token;
    private final VaultConnection connection;
    private final KeyCertificateFiles files;
    private final Clock clock;
    private String loginSerial;
    private VaultClient loginClient;

    CertificateOrToken(
        VaultCredential certificate,
        Optional<VaultCredential> token,
        VaultConnection connection,
        KeyCertificateFiles files,
        Clock clock) {
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      this.token = Objects.requireNonNull(token, "token");
      this.connection = Objects.requireNonNull(connection, "connection");
      this.files = Objects.requireNonNull(files, "files");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized String token(VaultClient client) throws PkiException {
      Optional<HeldCertificate> held = validCertificate(files.view(), clock);
      if (held.isPresent()) {
        return certificate.token(loginClient(held.get()));
      }
      return token
          .orElseThrow(
              () ->
                  PkiException.refused(
                      "no valid certificate at "
                          + files.certificateFile()
                          + " to log in to Vault with, and no"
                          + " modules.edgeHub.vault.tokenFile for the first one: write a token (./edgetrust enroll NODE)"))
          .token(client);
    }

    /**
     * A client of its own for logins, new for each certificate: the HTTP client keeps TLS
     * connections open, and one opened before the node had this certificate (or with the one
     * before) would not present it to Vault.
     */
    private VaultClient loginClient(HeldCertificate held) {
      if (loginClient == null || !held.serialHex().equals(loginSerial)) {
        loginClient = VaultClient.connect(connection);
        loginSerial = held.serialHex();
      }
      return loginClient;
    }

    @Override
    public boolean invalidate() {
      return certificate.invalidate();
    }

    @Override
    public String description() {
      return validCertificate(files.view(), clock).isPresent()
          ? certificate.description()
          : token.map(VaultCredential::description).orElse(certificate.description());
    }

    @Override
    public String remedy() {
      return validCertificate(files.view(), clock).isPresent()
          ? certificate.remedy()
          : token.map(VaultCredential::remedy).orElse("write a token to the token file");
    }
  }
}
