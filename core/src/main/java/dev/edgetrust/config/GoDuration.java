package dev.edgetrust.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as KubeEdge's configuration and Vault's CLI write them: Go's {@code time.ParseDuration}
 * syntax ({@code 24h}, {@code 1h30m}, {@code 90s}, {@code 1.5h}, {@code 500ms}), so that a value
 * copied from a Go tool's documentation means the same here.
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /**
   * Parses {@code text}.
   *
   * @param key named in the error ({@code 'ttl'}), as configuration messages name keys
   * @throws IllegalArgumentException if it is not a Go duration, is negative, or too large
   */
  public static Duration parse(String key, String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + key + "' " + e.getMessage(), e);
    }
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong without naming a key ("must be a duration
   *     such as ...")
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(t);
    int end = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (m.find() && m.start() == end) {
      nanos =
          nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPer(m.group(2)))));
      end = m.end();
    }
    if (end == 0 || end != t.length()) {
      throw new IllegalArgumentException(
          "must be a duration such as 24h, 30m or 90s, not '" + printable(t) + "'");
    }
    try {
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("is too long a duration: '" + printable(t) + "'");
    }
  }

  /**
   * Prints {@code d} as Go does for whole seconds ({@code 24h0m0s} becomes the shorter {@code
   * 24h}).
   */
  public static String format(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0) {
      out.append(s).append('s');
    }
    return out.toString();
  }

  private static long nanosPer(String unit) {
    return switch (unit) {
      case "h" -> 3_600_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "s" -> 1_000_000_000L;
      case "ms" -> 1_000_000L;
      case "ns" -> 1L;
      default -> 1_000L; // us, µs (micro sign), μs (Greek mu): Go accepts all three
    };
  }

  private static String printable(String s) {
    return dev.edgetrust.text.UntrustedText.printable(s, 40);
  }
}
