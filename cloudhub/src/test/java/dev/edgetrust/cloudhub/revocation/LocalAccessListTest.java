package dev.edgetrust.cloudhub.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CloudHub's own list of blocked names and revoked serials: durable, owner-only, strict. */
class LocalAccessListTest {
  @TempDir Path dir;

  @Test
  void missingFile_isAnEmptyList_andIsNotWrittenUntilAChange() throws Exception {
    Path file = dir.resolve("state/cloudhub-blocks.json");
    LocalAccessList list = LocalAccessList.load(file);

    assertThat(list.blockedNodes()).isEmpty();
    assertThat(list.summary()).isEmpty();
    assertThat(file).doesNotExist();
  }

  @Test
  void blocksAndRevocations_areOnDiskOwnerOnly_andReadBack() throws Exception {
    Path file = dir.resolve("state/cloudhub-blocks.json");
    LocalAccessList list = LocalAccessList.load(file);

    assertThat(list.block(NodeName.of("edge-1"))).isTrue();
    assertThat(list.block(NodeName.of("edge-1"))).as("twice").isFalse();
    list.revoke(List.of(BigInteger.valueOf(0xabcdef)));

    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(file.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    LocalAccessList read = LocalAccessList.load(file);
    assertThat(read.isBlocked(NodeName.of("edge-1"))).isTrue();
    assertThat(read.isRevoked(BigInteger.valueOf(0xabcdef))).isTrue();
    assertThat(read.isBlocked(NodeName.of("edge-2"))).isFalse();

    assertThat(read.unblock(NodeName.of("edge-1"))).isTrue();
    assertThat(LocalAccessList.load(file).isBlocked(NodeName.of("edge-1"))).isFalse();
    assertThat(LocalAccessList.load(file).isRevoked(BigInteger.valueOf(0xabcdef)))
        .as("revoked stays")
        .isTrue();
  }

  @Test
  void aChangeThatCannotBeWritten_isNotMade() throws Exception {
    Path blocker = dir.resolve("state");
    LocalAccessList list = LocalAccessList.load(blocker.resolve("cloudhub-blocks.json"));
    // Its directory cannot be made: a file is where it would go.
    Files.writeString(blocker, "x");

    assertThatThrownBy(() -> list.block(NodeName.of("edge-1")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot write " + blocker.resolve("cloudhub-blocks.json"));
    assertThat(list.isBlocked(NodeName.of("edge-1"))).isFalse();
  }

  @Test
  void unreadableFile_isRefusedInOneLine_namingItAndWhatToDo() throws Exception {
    Path file = dir.resolve("cloudhub-blocks.json");
    Files.writeString(file, "{\"blockedNodes\": \"edge-1\"}");

    assertThatThrownBy(() -> LocalAccessList.load(file))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            file + ": not a readable list of the nodes and serials the CloudHub refuses itself")
        .hasMessageContaining("'blockedNodes' is not a list")
        .hasMessageNotContaining("\n");
  }
}
