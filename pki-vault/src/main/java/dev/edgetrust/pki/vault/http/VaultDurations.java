package dev.edgetrust.pki.vault.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.config.GoDuration;
import java.time.Duration;

/**
 * Durations as Vault writes and reads them: integer seconds in answers ({@code lease_duration},
 * {@code ttl}), and either seconds or Go duration strings ({@code "72h"}, {@code "1h30m"}) in
 * requests and older answers. The Go syntax itself is core's {@link GoDuration}; this adapter adds
 * only what is Vault's: bare seconds, JSON numbers, and its own error wording.
 */
public final class VaultDurations {
  private VaultDurations() {}

  /** What we send: whole seconds with a unit, which every Vault version parses. */
  public static String format(Duration d) {
    return Math.max(0, d.toSeconds()) + "s";
  }

  /**
   * A duration field of an answer: a number of seconds, or a string of digits or Go duration.
   * Missing or null is zero.
   *
   * @throws IllegalArgumentException naming {@code field} if it is neither
   */
  public static Duration parse(JsonNode node, String field) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return Duration.ZERO;
    }
    if (node.isNumber()) {
      return Duration.ofSeconds(node.asLong());
    }
    if (node.isTextual()) {
      return parse(node.asText(), field);
    }
    throw new IllegalArgumentException(field + " is not a duration: " + node.getNodeType());
  }

  public static Duration parse(String text, String field) {
    String t = text.strip();
    if (t.isEmpty()) {
      return Duration.ZERO;
    }
    if (t.chars().allMatch(Character::isDigit)) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    try {
      return GoDuration.parse(field, t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is not a duration (e.g. 72h, 30m, 86400)");
    }
  }
}
