package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.config.MigrationSettings;
import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.JoinTokenUse;
import dev.edgetrust.pki.PkiException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;

/**
 * The bootstrap in migration mode: a join token this CloudHub did not mint may be one cloudcore
 * minted ({@code keadm gettoken}), checked with the CA key, until the migration ends. Such a token
 * is shared, as cloudcore's are: it enrolls only a name that holds no valid certificate and no live
 * session, like any shared token.
 */
public final class MigrationEnrollment implements BootstrapEnrollment {
  private final BootstrapEnrollment own;
  private final MigrationSettings migration;
  private final Clock clock;

  public MigrationEnrollment(BootstrapEnrollment own, MigrationSettings migration, Clock clock) {
    this.own = own;
    this.migration = migration;
    this.clock = clock;
  }

  @Override
  public X509Certificate caCertificate() {
    return own.caCertificate();
  }

  @Override
  public JoinTokenClaims verifyJoinToken(String jwt) throws PkiException {
    try {
      return own.verifyJoinToken(jwt);
    } catch (PkiException ours) {
      if (!clock.instant().isBefore(migration.until())) {
        throw ours;
      }
      try {
        return own.verifyCloudcoreJoinToken(jwt);
      } catch (PkiException cloudcore) {
        throw PkiException.refused(
            ours.getMessage() + "; as a cloudcore token: " + cloudcore.getMessage());
      }
    }
  }

  @Override
  public Optional<JoinTokenUse> joinTokenUse(JoinTokenClaims.NodeBound token) {
    return own.joinTokenUse(token);
  }

  @Override
  public void consumeJoinToken(JoinTokenClaims.NodeBound token) throws PkiException {
    own.consumeJoinToken(token);
  }
}
