package dev.edgetrust.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void writtenContent_isExactlyTheBytesGiven() throws IOException {
    byte[] content = new byte[300_000];
    new Random(5).nextBytes(content);
    Path target = dir.resolve("blob");
    AtomicFile.writePublic(target, content);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);

    AtomicFile.writeSecret(target, new byte[0]);
    assertThat(Files.readAllBytes(target)).isEmpty();
  }

  @Test
  void secret_isMode0600AndPublic0644() throws IOException {
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    AtomicFile.writeSecret(key, bytes("k"));
    AtomicFile.writePublic(cert, bytes("c"));
    assertThat(mode(key)).isEqualTo("rw-------");
    assertThat(mode(cert)).isEqualTo("rw-r--r--");
  }

  @Test
  void directoriesCreatedForASecret_are0700AtTheLeafAnd0755Above() throws IOException {
    Path key = dir.resolve("etc/kubeedge/certs/edge.key");
    AtomicFile.writeSecret(key, bytes("k"));
    assertThat(mode(dir.resolve("etc/kubeedge/certs"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("etc/kubeedge"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("etc"))).isEqualTo("rwxr-xr-x");
    assertThat(Files.readString(key)).isEqualTo("k");
  }

  @Test
  void directoriesCreatedForAPublicFile_are0755() throws IOException {
    AtomicFile.writePublic(dir.resolve("ca/bundle/ca.crt"), bytes("c"));
    assertThat(mode(dir.resolve("ca/bundle"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("ca"))).isEqualTo("rwxr-xr-x");
  }

  @Test
  void existingDirectory_keepsItsMode() throws IOException {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-x---"));
    AtomicFile.writeSecret(shared.resolve("key.pem"), bytes("k"));
    assertThat(mode(shared)).isEqualTo("rwxr-x---");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0077", "0000", "0027"})
  void modes_areExactWhateverTheUmask(String umask) throws Exception {
    // A JVM cannot change its own umask, so the writes happen in a child JVM started under it.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                "sh",
                "-c",
                "umask "
                    + umask
                    + " && touch \"$2/control\" && exec \"$0\" -cp \"$1\" "
                    + UmaskProbe.class.getName()
                    + " \"$2\"",
                java,
                System.getProperty("java.class.path"),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(output).isZero();

    // The control file shows the umask really applied to the child.
    String expectedControl =
        switch (umask) {
          case "0077" -> "rw-------";
          case "0000" -> "rw-rw-rw-";
          default -> "rw-r-----";
        };
    assertThat(mode(dir.resolve("control"))).isEqualTo(expectedControl);
    assertThat(mode(dir.resolve("secrets/edge/key.pem"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("secrets/edge"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("public/certs/cert.pem"))).isEqualTo("rw-r--r--");
    assertThat(mode(dir.resolve("public/certs"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("secrets"))).isEqualTo("rwxr-xr-x");
  }

  @Test
  void success_leavesNoTemporaryFile() throws IOException {
    for (int i = 0; i < 5; i++) {
      AtomicFile.writeSecret(dir.resolve("key.pem"), bytes("k" + i));
      AtomicFile.writePublic(dir.resolve("cert.pem"), bytes("c" + i));
    }
    assertThat(names(dir)).containsExactlyInAnyOrder("key.pem", "cert.pem");
  }

  @Test
  void failedRename_leavesNoTemporaryFileAndTheTargetUntouched() throws IOException {
    // A non-empty directory where the file should go: the temp file is written, the rename fails.
    // This fails for root too, unlike a read-only directory.
    Path target = Files.createDirectory(dir.resolve("key.pem"));
    Files.writeString(target.resolve("inside"), "old");
    assertThatThrownBy(() -> AtomicFile.writeSecret(target, bytes("new")))
        .isInstanceOf(IOException.class);
    assertThat(names(dir)).containsExactly("key.pem");
    assertThat(Files.readString(target.resolve("inside"))).isEqualTo("old");
  }

  @Test
  void readOnlyDirectory_failsWithoutLeavingAnythingAndKeepsTheOldFile() throws IOException {
    Path target = dir.resolve("key.pem");
    AtomicFile.writeSecret(target, bytes("old"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    try {
      assumeFalse(
          permissionsDoNotBite(dir),
          "running as root (or with CAP_DAC_OVERRIDE): a read-only directory does not stop writes");
      assertThatThrownBy(() -> AtomicFile.writeSecret(target, bytes("new")))
          .isInstanceOf(IOException.class);
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    assertThat(names(dir)).containsExactly("key.pem");
    assertThat(Files.readString(target)).isEqualTo("old");
  }

  @Test
  void existingFile_isReplacedByRenameNotRewrittenInPlace() throws IOException {
    Path target = dir.resolve("cert.pem");
    AtomicFile.writePublic(target, bytes("old"));
    // A hard link keeps pointing at the old inode: if the write truncated and rewrote the file
    // in place, the link would show the new content (and a reader could see a torn file).
    Path link = Files.createLink(dir.resolve("old-link"), target);
    Object oldInode = Files.readAttributes(target, "unix:ino").get("ino");

    AtomicFile.writePublic(target, bytes("new content"));

    assertThat(Files.readString(target)).isEqualTo("new content");
    assertThat(Files.readString(link)).isEqualTo("old");
    assertThat(Files.readAttributes(target, "unix:ino").get("ino")).isNotEqualTo(oldInode);
  }

  @Test
  void replacingAWorldReadableFileWithASecret_makesIt0600() throws IOException {
    Path target = dir.resolve("token");
    Files.writeString(target, "old");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));
    AtomicFile.writeSecret(target, bytes("new"));
    assertThat(mode(target)).isEqualTo("rw-------");
    assertThat(Files.readString(target)).isEqualTo("new");
  }

  @Test
  void rename_movesTheFileOverTheTarget() throws IOException {
    Path source = Files.writeString(dir.resolve("a.next"), "new");
    Path target = Files.writeString(dir.resolve("a"), "old");
    AtomicFile.rename(source, target);
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(source).doesNotExist();
  }

  @Test
  void renameOfAMissingFile_fails() {
    assertThatThrownBy(() -> AtomicFile.rename(dir.resolve("missing"), dir.resolve("target")))
        .isInstanceOf(NoSuchFileException.class);
  }

  /** Whether this process can create a file in a directory it made read-only (root can). */
  private static boolean permissionsDoNotBite(Path readOnlyDirectory) throws IOException {
    try {
      Files.delete(Files.createFile(readOnlyDirectory.resolve("probe")));
      return true;
    } catch (java.nio.file.AccessDeniedException expected) {
      return false;
    }
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void describeFailure_namesTheDirectoryNotTheRandomTemporaryFile_soRetriesReadTheSame() {
    Path dir = Path.of("/var/lib/edge");
    var full =
        new java.nio.file.FileSystemException(
            dir.resolve(".edge.key.12345.tmp").toString(), null, "No space left on device");
    var other =
        new java.nio.file.AccessDeniedException(
            dir.resolve("edge.key").toString(), null, "Read-only file system");

    assertThat(AtomicFile.describeFailure(full)).isEqualTo("No space left on device (" + dir + ")");
    assertThat(AtomicFile.describeFailure(other))
        .isEqualTo("Read-only file system (" + dir.resolve("edge.key") + ")");
    assertThat(AtomicFile.describeFailure(new java.io.IOException("disk on fire")))
        .isEqualTo("disk on fire");
  }
}
