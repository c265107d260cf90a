package dev.edgetrust.pki.cfssl;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.PkiProviderFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * CFSSL as a plug-in, {@code pki.provider: cfssl}, configured by {@code modules.cloudHub.pki.cfssl}
 * ({@link CfsslConfig}). Cloud side only: nodes never talk to CFSSL (they would need its auth
 * key); they enroll and renew at the CloudHub's {@code /edge.crt}, and the CloudHub signs through
 * CFSSL.
 */
public final class CfsslPkiFactory implements PkiProviderFactory {
  public static final String NAME = "cfssl";

  @Override
  public String name() {
    return NAME;
  }

  /** Binds the section and reads its files (server CA, auth key); does not contact CFSSL. */
  @Override
  public CloudPki cloud(CloudPkiContext context) throws ConfigException {
    CfsslConfig config = context.config().section(context.section(), CfsslConfig.class);
    CfsslPkiProvider provider;
    try {
      provider = CfsslPkiProvider.fromConfig(config, context.baseDirectory());
    } catch (CredentialFileException e) {
      throw new ConfigException(context.config().file() + ": " + context.section() + ": " + e.getMessage(), e);
    }
    return new Cloud(provider, config.serverCertificateLifetime());
  }

  /** The provider, and the lifetime of the CloudHub's own certificate. */
  private record Cloud(CfsslPkiProvider cfssl, Duration serverLifetime) implements CloudPki {
    @Override
    public PkiProvider provider() {
      return cfssl;
    }

    @Override
    public Optional<Duration> serverCertificateLifetime() {
      return Optional.of(serverLifetime);
    }

    @Override
    public void close() {
      cfssl.close();
    }
  }
}
