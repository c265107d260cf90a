package dev.edgetrust.config;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Command-line durations in Go's syntax ({@code 24h}, {@code 30m}), as Vault's own CLI takes them:
 * the picocli face of {@link GoDuration}, with the command line's wording for a bad value.
 *
 * <p>It lives in core, the one module below both the CLI and the PKI modules that bring commands,
 * so that every command reads a duration the same way. Core compiles against picocli for this class
 * only, as an optional dependency: the hubs and the agent never load it and do not carry picocli.
 */
public final class GoDurationConverter implements ITypeConverter<Duration> {
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
