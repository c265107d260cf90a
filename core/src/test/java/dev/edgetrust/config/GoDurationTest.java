package dev.edgetrust.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void goSyntax_parsesAsGoDoes() {
    assertThat(GoDuration.parse("ttl", "24h")).isEqualTo(Duration.ofHours(24));
    assertThat(GoDuration.parse("ttl", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("ttl", "1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("ttl", "90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("ttl", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("ttl", "2us")).isEqualTo(Duration.ofNanos(2000));
    assertThat(GoDuration.parse("ttl", "0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void bareNumbersUnitsAloneAndSpaces_areRefusedNamingTheKey() {
    for (String bad : new String[] {"86400", "h", "1 h", "1d", "-1h", "", "1h 30m"}) {
      assertThatThrownBy(() -> GoDuration.parse("ttl", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("'ttl' must be a duration such as 24h");
    }
  }

  @Test
  void overflow_isRefused() {
    assertThatThrownBy(() -> GoDuration.parse("ttl", "99999999999h"))
        .hasMessageContaining("too long");
  }

  @Test
  void format_isTheShortGoForm() {
    assertThat(GoDuration.format(Duration.ofHours(24))).isEqualTo("24h");
    assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(GoDuration.format(Duration.ofSeconds(3725))).isEqualTo("1h2m5s");
  }
}
