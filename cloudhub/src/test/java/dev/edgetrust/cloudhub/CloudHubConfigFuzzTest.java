package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Any {@code cloudcore.yaml} — the real {@code modules.cloudHub} binding, with its listeners, rate
 * limit, revocation, admin and pki sections — loads or is refused with a one-line {@link
 * ConfigException}, never another exception.
 */
class CloudHubConfigFuzzTest {
  private static final Path FILE = temporaryFile();

  private static Path temporaryFile() {
    try {
      Path dir = Files.createTempDirectory("cloudcore-fuzz");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("cloudcore.yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void cloudcoreYamlLoadsOrIsRefusedCleanly(byte[] input) throws IOException {
    Files.write(FILE, input);
    try {
      CloudHubConfig.loadAll(FILE);
    } catch (ConfigException refused) {
      assertThat(refused.getMessage())
          .startsWith(FILE.toString())
          .doesNotContain("\n")
          .doesNotContain("\r");
    }
  }
}
