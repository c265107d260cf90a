package dev.edgetrust.pki.cfssl;

import dev.edgetrust.cfssl.testkit.CfsslServer;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.PkiProviderConformance;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared provider scenarios against a real {@code cfssl serve} on loopback. */
class CfsslConformanceTest extends PkiProviderConformance {
  private CfsslServer server;
  private CfsslPkiProvider provider;

  @BeforeAll
  void startCfssl() throws Exception {
    server = CfsslServer.start(Files.createTempDirectory("cfssl-conformance"));
    provider = CfsslServers.provider(server, "node");
  }

  @AfterAll
  void stopCfssl() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected PkiProvider provider() {
    return provider;
  }

  @Override
  protected Optional<PkiProvider> providerWhosePolicyGrantsNodesServerAuth() {
    return Optional.of(CfsslServers.provider(server, "node-server-auth"));
  }

  @Override
  protected Duration nodeLifetime() {
    // The node profile's expiry decides (CFSSL 1.2.0 ignores the lifetime asked); ask at least
    // that.
    return CfsslServer.NODE_EXPIRY;
  }
}
