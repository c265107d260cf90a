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
   * A Go-style duration ({@link GoDuration}: "72h", "30m", "1h30m"), or {@code defaultValue} when
   * blank.
   *
   * @throws IllegalArgumentException naming {@code key} if it is malformed or not positive
   */
  public static java.time.Duration duration(
      String key, String value, java.time.Duration defaultValue) {
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    java.time.Duration d = GoDuration.parse(key, value);
    if (d.isZero() || d.isNegative()) {
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
