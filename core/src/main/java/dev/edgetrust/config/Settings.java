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

  /**
   * Refuses a duration that is not longer than 0, naming {@code key} as {@link #positive(String,
   * Integer, int)} does; KubeEdge writes these as whole seconds, so the message shows seconds.
   */
  public static java.time.Duration positive(String key, java.time.Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "'" + key + "' must be greater than 0, was " + value.toSeconds());
    }
    return value;
  }

  public static String orDefault(String value, String defaultValue) {
    return value == null || value.isBlank() ? defaultValue : value;
  }

  /** Resolves a configured path against the config file's directory when it is relative. */
  public static Path resolve(Path base, String path) {
    Path p = Path.of(path);
    return p.isAbsolute() ? p : base.resolve(p).normalize();
  }

  /**
   * A message that names a key relative to its section ("'port' must be ..."), made to name it from
   * {@code where} ("'websocket.port' must be ..."); a message naming no key gets {@code where} in
   * front.
   */
  public static String qualify(String where, String message) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^'([^']+)'(.*)$", java.util.regex.Pattern.DOTALL)
            .matcher(message);
    if (m.matches()) {
      return "'" + where + "." + m.group(1) + "'" + m.group(2);
    }
    return "'" + where + "': " + message;
  }

  /**
   * {@code e} from checking the section {@code section}, with its key named from the enclosing
   * section: how a nested section's check reports to the one that holds it.
   */
  public static IllegalArgumentException within(String section, IllegalArgumentException e) {
    return new IllegalArgumentException(qualify(section, String.valueOf(e.getMessage())), e);
  }
}
