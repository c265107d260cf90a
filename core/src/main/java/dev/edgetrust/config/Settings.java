package dev.edgetrust.config;

import java.nio.file.Path;

/** Small checks shared by every configuration record, with messages that name the key. */
public final class Settings {
  private Settings() {}

  public static int positive(String key, Integer value, int defaultValue) {
    int v = value == null ? defaultValue : value;
    if (v <= 0) {
      throw new IllegalArgumentException("'" + key + "' must be greater than 0, was " + v);
    }
    return v;
  }

  public static int port(String key, Integer value, int defaultValue) {
    int v = value == null ? defaultValue : value;
    if (v < 0 || v > 65535) {
      throw new IllegalArgumentException("'" + key + "' must be a port from 0 to 65535, was " + v);
    }
    return v;
  }

  /**
   * A duration written the way Vault and Kubernetes write them: a whole number followed by {@code
   * s}, {@code m}, {@code h} or {@code d} ("72h", "30m"); a bare number means seconds.
   */
  public static java.time.Duration duration(String key, String value, java.time.Duration defaultValue) {
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd]?)").matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + key + "' must be a duration like 30s, 15m, 72h or 7d, was '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    java.time.Duration d = switch (m.group(2)) {
      case "m" -> java.time.Duration.ofMinutes(n);
      case "h" -> java.time.Duration.ofHours(n);
      case "d" -> java.time.Duration.ofDays(n);
      default -> java.time.Duration.ofSeconds(n);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException("'" + key + "' must be longer than 0");
    }
    return d;
  }

  public static String orDefault(String value, String defaultValue) {
    return value == null || value.isBlank() ? defaultValue : value;
  }

  /** Resolves a configured path against the config file's directory when it is relative. */
  public static Path resolve(Path base, String path) {
    Path p = Path.of(path);
    return p.isAbsolute() ? p : base.resolve(p).normalize();
  }
}
