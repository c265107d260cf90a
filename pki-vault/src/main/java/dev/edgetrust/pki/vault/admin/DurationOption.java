package dev.edgetrust.pki.vault.admin;

import dev.edgetrust.config.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Command-line durations in Go's syntax ({@code 24h}, {@code 30m}), as Vault's own CLI takes them:
 * the picocli face of {@link GoDuration}, with the CLI's wording for a bad value.
 */
public final class DurationOption implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      Duration d = GoDuration.parse("duration", value);
      if (d.isZero()) {
        throw new TypeConversionException("must be longer than 0");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration such as 24h, 30m or 90s");
    }
  }
}
