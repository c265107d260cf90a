package dev.edgetrust.pki.cfssl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cfssl.testkit.CfsslServer;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * What CFSSL 1.2.0 cannot do, declared rather than failed at: it revokes only into its database
 * ({@code /revoke}) and serves no signed CRL ({@code /gencrl} wants the CA key in the request,
 * {@code /crl} came later), and it has no notion of a node to block. The CloudHub then keeps its
 * own revocation list and refuses blocked nodes itself.
 */
class CfsslCapabilitiesTest {
  @Test
  void cfssl_offersNoRevocationBlockingInventoryOrBootstrap() throws Exception {
    try (CfsslServer server = CfsslServer.start(Files.createTempDirectory("cfssl-capabilities"))) {
      CfsslPkiProvider provider = CfsslServers.provider(server, "node");

      assertThat(provider.revocation()).isEmpty();
      assertThat(provider.blocking()).isEmpty();
      assertThat(provider.inventory()).isEmpty();
      assertThat(provider.bootstrap()).isEmpty();
    }
  }
}
