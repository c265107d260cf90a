package dev.edgetrust.config;

/**
 * A configuration file is unreadable or wrong (or a command's options are: what a user must fix).
 * The message is one line that names the file and the key (or the option), ready to show a user as
 * it is.
 */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
