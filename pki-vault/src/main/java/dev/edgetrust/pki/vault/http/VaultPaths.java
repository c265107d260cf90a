package dev.edgetrust.pki.vault.http;

import java.util.regex.Pattern;

/**
 * Checks on the mount and role names that go into API paths, so that a config typo is caught early.
 */
public final class VaultPaths {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

  private VaultPaths() {}

  /**
   * A mount path such as {@code pki} or {@code pki/edge}, without leading or trailing slashes.
   *
   * @throws IllegalArgumentException naming {@code what} if it is not one
   */
  public static String mount(String mount, String what) {
    String m = mount == null ? "" : mount.strip();
    while (m.startsWith("/")) {
      m = m.substring(1);
    }
    while (m.endsWith("/")) {
      m = m.substring(0, m.length() - 1);
    }
    if (m.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    for (String segment : m.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            what
                + " '"
                + mount
                + "' is not a Vault mount path (letters, digits, '_', '-', '.', segments separated by '/')");
      }
    }
    return m;
  }

  /**
   * A role or policy name: one path segment.
   *
   * @throws IllegalArgumentException naming {@code what} if it is not one
   */
  public static String name(String name, String what) {
    if (name == null || !SEGMENT.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " '" + name + "' is not a Vault name (letters, digits, '_', '-', '.')");
    }
    return name;
  }
}
