package dev.edgetrust.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The value deserializers and the refusal of a value by its setter, bound through {@link
 * YamlConfig} as a real section is: a builder whose annotated setters keep their defaults for an
 * empty value.
 */
class ValueDeserializersTest {
  static final class Section {
    Path file = Path.of("/default/file");
    Duration ttl = Duration.ofHours(1);
    Duration interval = Duration.ofSeconds(15);
    String name = "default";

    @JsonSetter(value = "file", nulls = Nulls.SKIP)
    @JsonDeserialize(using = ConfigPathDeserializer.class)
    Section file(Path value) {
      this.file = value;
      return this;
    }

    @JsonSetter(value = "ttl", nulls = Nulls.SKIP)
    @JsonDeserialize(using = GoDurationDeserializer.class)
    Section ttl(Duration value) {
      this.ttl = value;
      return this;
    }

    @JsonSetter(value = "interval", nulls = Nulls.SKIP)
    @JsonDeserialize(using = SecondsDeserializer.class)
    Section interval(Duration value) {
      this.interval = value;
      return this;
    }

    /** Refuses as a value parser does: naming no key, or only its own. */
    @JsonSetter(value = "name", nulls = Nulls.SKIP)
    Section name(String value) {
      if (value.equals("bad")) {
        throw new IllegalArgumentException("must be good, was 'bad'");
      }
      if (value.equals("worse")) {
        throw new IllegalArgumentException("'name' must be much better");
      }
      this.name = value;
      return this;
    }
  }

  @TempDir Path dir;

  private Section bind(String body) throws IOException, ConfigException {
    Path file = dir.resolve("conf/app.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "app:\n" + body.indent(2));
    return YamlConfig.read(file).section("app", Section.class);
  }

  private String refusal(String body) {
    return assertThatThrownBy(() -> bind(body))
        .isInstanceOf(ConfigException.class)
        .actual()
        .getMessage()
        .replace(dir.toString(), "DIR");
  }

  @Test
  void relativePath_isResolvedAgainstTheFilesDirectory_absoluteKept_emptyKeepsTheDefault()
      throws Exception {
    assertThat(bind("file: certs/../certs/a.crt").file)
        .isEqualTo(dir.resolve("conf/certs/a.crt").toAbsolutePath());
    assertThat(bind("file: ' /etc/a.crt '").file).isEqualTo(Path.of("/etc/a.crt"));
    assertThat(bind("file: ''").file).isEqualTo(Path.of("/default/file"));
    assertThat(bind("file:").file).isEqualTo(Path.of("/default/file"));
  }

  @Test
  void goDuration_isParsed_emptyKeepsTheDefault_malformedNamesTheFullKey() throws Exception {
    assertThat(bind("ttl: 1h30m").ttl).isEqualTo(Duration.ofMinutes(90));
    assertThat(bind("ttl: ''").ttl).isEqualTo(Duration.ofHours(1));
    assertThat(refusal("ttl: soon"))
        .isEqualTo(
            "DIR/conf/app.yaml: 'app.ttl' must be a duration such as 24h, 30m or 90s, not 'soon'");
  }

  @Test
  void seconds_areWholeNumbers_likeKubeEdgesIntKeys() throws Exception {
    assertThat(bind("interval: 45").interval).isEqualTo(Duration.ofSeconds(45));
    assertThat(bind("interval:").interval).isEqualTo(Duration.ofSeconds(15));
    assertThat(refusal("interval: 45s"))
        .isEqualTo("DIR/conf/app.yaml: 'app.interval' must be a whole number, not '45s'");
  }

  @Test
  void valueRefusedByItsSetter_isOneLineNamingTheFullKey() {
    assertThat(refusal("name: bad"))
        .isEqualTo("DIR/conf/app.yaml: 'app.name' must be good, was 'bad'");
    assertThat(refusal("NAME: worse"))
        .isEqualTo("DIR/conf/app.yaml: 'app.NAME' must be much better");
  }

  @Test
  void refusalOfAWholeSection_namesTheKeyFromTheSection() throws Exception {
    YamlConfig yaml = YamlConfig.read(Files.writeString(dir.resolve("b.yaml"), "a: {}\n"));

    assertThat(
            yaml.refusal(
                    "modules.edgeHub",
                    Settings.within(
                        "websocket", new IllegalArgumentException("'server' is required")))
                .getMessage())
        .isEqualTo(dir.resolve("b.yaml") + ": 'modules.edgeHub.websocket.server' is required");
  }
}
