package dev.edgetrust.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class GoDurationConverterTest {
  private final GoDurationConverter converter = new GoDurationConverter();

  @Test
  void goDuration_isConverted() {
    assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void zero_isRefusedAsTooShort() {
    assertThatThrownBy(() -> converter.convert("0s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("must be longer than 0");
  }

  @Test
  void notADuration_isRefusedWithAnExample() {
    assertThatThrownBy(() -> converter.convert("ten minutes"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'ten minutes' is not a duration such as 24h, 30m or 90s");
  }
}
