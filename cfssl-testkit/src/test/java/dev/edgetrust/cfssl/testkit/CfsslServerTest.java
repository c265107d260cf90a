package dev.edgetrust.cfssl.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture fails loudly, never skips, when the real server cannot be run. */
class CfsslServerTest {
  @TempDir Path dir;

  @Test
  void withoutCfsslOnThePath_startFails_sayingWhatToInstall() throws Exception {
    Path emptyBin = Files.createDirectories(dir.resolve("bin"));

    assertThatThrownBy(() -> CfsslServer.start(dir.resolve("cfssl"), emptyBin.toString(), false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apt-get install golang-cfssl");
  }
}
