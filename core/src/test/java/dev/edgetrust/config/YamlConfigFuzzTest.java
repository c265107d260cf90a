package dev.edgetrust.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Any file handed to the YAML loader — truncated, binary, a billion laughs, deeply nested — either
 * binds or is refused with a {@link ConfigException}, whose message is one line (the loader
 * promises never to echo the lines around the mistake: they may hold a join token).
 *
 * <p>The real {@code modules.cloudHub} and {@code modules.edgeHub} bindings are fuzzed in the
 * modules that own them; this target binds a section with every kind of field they use.
 */
class YamlConfigFuzzTest {
  record Section(
      String name,
      Integer count,
      Boolean enable,
      List<String> names,
      Map<String, Integer> weights,
      Mode mode,
      Nested nested,
      String ttl,
      int primitive) {
    Section {
      count = Settings.positive("count", count, 1);
      name = Settings.orDefault(name, "x");
      Settings.duration("ttl", ttl, java.time.Duration.ofSeconds(1));
    }
  }

  record Nested(Integer port, String window) {
    Nested {
      port = Settings.port("port", port, 10000);
      Settings.duration("window", window, java.time.Duration.ofMinutes(5));
    }
  }

  enum Mode {
    BUILTIN,
    VAULT
  }

  private static final Path FILE = temporaryFile();

  private static Path temporaryFile() {
    try {
      Path dir = Files.createTempDirectory("yaml-fuzz");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("config.yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void loaderRefusesCleanly(byte[] input) throws IOException {
    Files.write(FILE, input);
    try {
      YamlConfig yaml = YamlConfig.read(FILE);
      yaml.node("modules.section.nested.port");
      yaml.section("modules.section", Section.class);
    } catch (ConfigException refused) {
      assertThat(refused.getMessage())
          .startsWith(FILE.toString())
          .doesNotContain("\n")
          .doesNotContain("\r");
    }
  }
}
