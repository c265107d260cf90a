package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Vault writes and reads them: integer seconds in answers ({@code lease_duration},
 * {@code ttl}), and either seconds or Go duration strings ({@code "72h"}, {@code "1h30m"}) in
 * requests and older answers.
 */
final class VaultDurations {
  private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

  private VaultDurations() {}

  /** What we send: whole seconds with a unit, which every Vault version parses. */
  static String format(Duration d) {
    return Math.max(0, d.toSeconds()) + "s";
  }

  /**
   * A duration field of an answer: a number of seconds, or a string of digits or Go duration.
   * Missing or null is zero.
   *
   * @throws IllegalArgumentException naming {@code field} if it is neither
   */
  static Duration parse(JsonNode node, String field) {
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

  static Duration parse(String text, String field) {
    String t = text.strip();
    if (t.isEmpty()) {
      return Duration.ZERO;
    }
    if (t.chars().allMatch(Character::isDigit)) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    Matcher m = GO_PART.matcher(t);
    int end = 0;
    Duration total = Duration.ZERO;
    while (m.find() && m.start() == end) {
      BigDecimal amount = new BigDecimal(m.group(1));
      long nanosPerUnit =
          switch (m.group(2)) {
            case "h" -> 3_600_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 1_000_000L;
          };
      total = total.plusNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
      end = m.end();
    }
    if (end != t.length() || end == 0) {
      throw new IllegalArgumentException(field + " '" + text + "' is not a duration (e.g. 72h, 30m, 86400)");
    }
    return total;
  }
}
