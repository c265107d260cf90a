package dev.edgetrust.edgehub.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgetrust.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Any {@code edgecore.yaml} — the real {@code modules.edgeHub} binding with its vault section,
 * token, server address and node name — loads or is refused with a one-line {@link
 * ConfigException}: never another exception, which would reach the operator as a stack trace.
 */
class EdgeHubConfigFuzzTest {
  private static final Path FILE = temporaryFile();

  private static Path temporaryFile() {
    try {
      Path dir = Files.createTempDirectory("edgecore-fuzz");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("edgecore.yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void edgecoreYamlLoadsOrIsRefusedCleanly(byte[] input) throws IOException {
    Files.write(FILE, input);
    try {
      EdgeHubSettings.load(FILE);
    } catch (ConfigException refused) {
      assertThat(refused.getMessage())
          .startsWith(FILE.toString())
          .doesNotContain("\n")
          .doesNotContain("\r");
    }
  }
}
