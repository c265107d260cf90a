package dev.edgetrust.pki.cfssl;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.jointoken.JoinTokenFile;
import dev.edgetrust.pki.jointoken.TokenEnrolledProvider;
import dev.edgetrust.pki.jointoken.TokenEnrollment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * CFSSL as a plug-in, {@code pki.provider: cfssl}, configured by {@code modules.cloudHub.pki.cfssl}
 * ({@link CfsslConfig}). Cloud side only: nodes never talk to CFSSL (they would need its auth key).
 * They enroll and renew at the CloudHub's {@code /edge.crt} with KubeEdge join tokens the CloudHub
 * mints and checks itself ({@link TokenEnrollment}: its HS256 secret and used-token list beside
 * {@code tlsCAFile}), and the CloudHub signs through CFSSL.
 */
public final class CfsslPkiFactory implements PkiProviderFactory {
  public static final String NAME = "cfssl";

  /** The CloudHub's join-token secret, beside {@code tlsCAFile}: whoever reads it mints tokens. */
  static final String TOKEN_SECRET = "join-token.key";

  /** Node-bound tokens already used, beside {@code tlsCAFile}. */
  static final String USED_TOKENS = "used-join-tokens.json";

  @Override
  public String name() {
    return NAME;
  }

  /** The CloudHub's certificate is signed through CFSSL's server profile. */
  @Override
  public boolean signsCloudHubCertificate() {
    return true;
  }

  /**
   * Binds the section, reads its files (server CA, auth key) and the join-token secret (made on
   * first start); does not contact CFSSL: its CA certificate is asked for when first needed.
   */
  @Override
  public CloudPki cloud(CloudPkiContext context) throws ConfigException {
    CfsslConfig config = context.config().section(context.section(), CfsslConfig.class);
    CfsslPkiProvider cfssl;
    try {
      cfssl = CfsslPkiProvider.fromConfig(config, context.baseDirectory());
    } catch (CredentialFileException e) {
      throw new ConfigException(
          context.config().file() + ": " + context.section() + ": " + e.getMessage(), e);
    }
    Path state = context.caCertificateFile().getParent();
    TokenEnrollment tokens;
    try {
      tokens =
          TokenEnrollment.open(
              () -> cfssl.trustAnchors().get(0),
              state.resolve(TOKEN_SECRET),
              state.resolve(USED_TOKENS),
              context.clock());
    } catch (CredentialFileException e) {
      cfssl.close();
      throw new ConfigException(context.config().file() + ": join tokens: " + e.getMessage(), e);
    } catch (IOException e) {
      cfssl.close();
      throw new ConfigException(
          context.config().file()
              + ": cannot make the join-token secret in "
              + state
              + ": "
              + e.getMessage(),
          e);
    }
    return new Cloud(
        new TokenEnrolledProvider(cfssl, tokens),
        tokens,
        config.serverCertificateLifetime(),
        context.joinTokenFile(),
        context.tokenRefresh());
  }

  /** The provider with the CloudHub's join-token enrollment, and the join-token file beside it. */
  private static final class Cloud implements CloudPki {
    private final PkiProvider provider;
    private final TokenEnrollment tokens;
    private final Duration serverLifetime;
    private final Optional<Path> joinTokenFile;
    private final Duration refresh;
    private Optional<JoinTokenFile> writer = Optional.empty();

    Cloud(
        PkiProvider provider,
        TokenEnrollment tokens,
        Duration serverLifetime,
        Optional<Path> joinTokenFile,
        Duration refresh) {
      this.provider = provider;
      this.tokens = tokens;
      this.serverLifetime = serverLifetime;
      this.joinTokenFile = joinTokenFile;
      this.refresh = refresh;
    }

    @Override
    public PkiProvider provider() {
      return provider;
    }

    @Override
    public synchronized void startBesideCloudHub() throws IOException {
      if (writer.isEmpty() && joinTokenFile.isPresent()) {
        writer = Optional.of(JoinTokenFile.start(tokens, joinTokenFile.get(), refresh));
      }
    }

    @Override
    public Optional<JoinTokenMinting> joinTokens() {
      return Optional.of(tokens);
    }

    @Override
    public Optional<Duration> serverCertificateLifetime() {
      return Optional.of(serverLifetime);
    }

    @Override
    public synchronized void close() {
      writer.ifPresent(JoinTokenFile::close);
      provider.close();
    }

    @Override
    public String toString() {
      return provider.toString();
    }
  }
}
