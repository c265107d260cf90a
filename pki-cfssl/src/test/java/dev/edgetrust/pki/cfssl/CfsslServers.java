package dev.edgetrust.pki.cfssl;

import dev.edgetrust.cfssl.testkit.CfsslServer;
import dev.edgetrust.credential.CredentialFileException;
import java.nio.file.Path;

/** The CloudHub's view of a {@link CfsslServer}: its config section and a provider on it. */
final class CfsslServers {
  private CfsslServers() {}

  /**
   * The config section that points the CloudHub at {@code server}, signing nodes with {@code
   * profile}.
   */
  static CfsslConfig config(CfsslServer server, String profile) {
    return new CfsslConfig(
        server.address().toString(),
        server.tlsCaFile().map(Path::toString).orElse(null),
        profile,
        "server",
        server.authKeyFile().toString(),
        null,
        null);
  }

  /** A provider on {@code server}, signing nodes with {@code profile}. */
  static CfsslPkiProvider provider(CfsslServer server, String profile) {
    try {
      return CfsslPkiProvider.fromConfig(config(server, profile), server.directory());
    } catch (CredentialFileException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
