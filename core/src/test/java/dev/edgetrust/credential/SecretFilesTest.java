package dev.edgetrust.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
  @TempDir Path dir;

  private Path secret(String fileMode) throws Exception {
    Path file = dir.resolve("rootCA.key");
    Files.writeString(file, "secret");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(fileMode));
    return file;
  }

  @Test
  void ownerOnlyFileInAPrivateDirectory_passes() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    assertThatCode(() -> SecretFiles.requireOwnerOnly(secret("rw-------")))
        .doesNotThrowAnyException();
    assertThatCode(() -> SecretFiles.requireOwnerOnly(secret("r--------")))
        .doesNotThrowAnyException();
  }

  @Test
  void aDirectoryOthersMayOnlyRead_passes() throws Exception {
    // ssh's rule: others may list a 0755 directory, but not replace the key in it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatCode(() -> SecretFiles.requireOwnerOnly(secret("rw-------")))
        .doesNotThrowAnyException();
  }

  @Test
  void missingFile_passes_theFirstStartWritesIt() {
    assertThatCode(() -> SecretFiles.requireOwnerOnly(dir.resolve("absent.key")))
        .doesNotThrowAnyException();
    assertThatCode(() -> SecretFiles.requireOwnerOnly(dir.resolve("absent/dir/absent.key")))
        .doesNotThrowAnyException();
  }

  @Test
  void groupOrOthersReadable_isOneLineWithTheChmod() throws Exception {
    Path file = secret("rw-r--r--");
    assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(file))
        .isInstanceOf(CredentialFileException.class)
        .hasMessage(file + " is readable by group/others (mode 0644); run: chmod 600 " + file);
    Path groupOnly = secret("rw-r-----");
    assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(groupOnly))
        .hasMessageContaining("(mode 0640)");
  }

  @Test
  void groupWritable_isRefusedToo() throws Exception {
    Path file = secret("rw--w----");
    assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(file))
        .hasMessage(
            file
                + " is writable or executable by group/others (mode 0620); run: chmod 600 "
                + file);
  }

  @Test
  void groupOrOthersWritableDirectory_isOneLineWithTheChmod() throws Exception {
    Path file = secret("rw-------");
    for (String mode : new String[] {"rwxrwxr-x", "rwxrwxrwx", "rwxr-xrwx"}) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
      assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(file))
          .isInstanceOf(CredentialFileException.class)
          .hasMessageStartingWith(
              dir + " (the directory of rootCA.key) is writable by group/others (mode 0")
          .hasMessageEndingWith("); run: chmod go-w " + dir);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void octal_isHowChmodSpeaks() {
    assertThat(SecretFiles.octal(PosixFilePermissions.fromString("rwxr-x---"))).isEqualTo("0750");
    assertThat(SecretFiles.octal(PosixFilePermissions.fromString("---------"))).isEqualTo("0000");
  }
}
