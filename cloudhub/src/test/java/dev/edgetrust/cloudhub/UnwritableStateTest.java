package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.config.RevocationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: a CloudHub that cannot write one of its state files says which at start, before it
 * serves anything, instead of failing at its first audit line. (Tests run as root here, so the
 * unwritable place is one below a regular file rather than a directory without permission.)
 */
class UnwritableStateTest {
  @TempDir Path dir;

  @Test
  void auditFileBelowARegularFile_stopsTheStart_namingTheFileAndItsKey() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file.txt"), "x");
    Path audit = notADirectory.resolve("audit.log");

    assertThatThrownBy(
            () ->
                HubFixture.start(
                    dir.resolve("cloud"),
                    s -> {
                      RevocationSettings r = s.revocation();
                      return s.toBuilder()
                          .revocation(
                              new RevocationSettings(
                                  r.refreshInterval(),
                                  r.failClosed(),
                                  audit,
                                  r.inventoryFile(),
                                  r.localListFile()))
                          .build();
                    }))
        .isInstanceOf(CloudHubException.class)
        .hasMessage(
            "cannot write "
                + audit
                + " (modules.cloudHub.revocation.auditFile): "
                + notADirectory
                + " is not a directory; set that key or modules.cloudHub.stateDirectory to a"
                + " writable place");
    assertThat(notADirectory).hasContent("x");
  }

  @Test
  void stateDirectoryThatDoesNotExistYet_isCreatedAndTheHubStarts() throws Exception {
    try (HubFixture hub = HubFixture.start(dir.resolve("new/cloud"))) {
      assertThat(hub.hub.websocketAddress()).isPresent();
    }
  }
}
