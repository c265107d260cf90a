package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Vault's parseutil reads them and Go's time.Duration prints them. Deliberately not
 * core's {@code GoDuration}: this module mimics Vault, not edgetrust — it takes Vault's {@code d}
 * unit and prints Go's {@code 72h0m0s} — so a change to our codec cannot make the stand-in agree
 * with a bug of ours that the real Vault would refuse.
 */
final class GoDurations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|d)");

  private GoDurations() {}

  /** A request field: seconds as a number or string, or a Go duration ("72h", "1h30m"). */
  static Duration parse(JsonNode node, String field) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return Duration.ZERO;
    }
    if (node.isNumber()) {
      return Duration.ofSeconds(node.asLong());
    }
    String t = node.asText().strip();
    if (t.isEmpty() || t.equals("system")) {
      return Duration.ZERO;
    }
    if (t.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    Matcher m = PART.matcher(t);
    int end = 0;
    Duration total = Duration.ZERO;
    while (m.find() && m.start() == end) {
      BigDecimal amount = new BigDecimal(m.group(1));
      long nanos =
          switch (m.group(2)) {
            case "d" -> 86_400_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 1_000_000L;
          };
      total = total.plusNanos(amount.multiply(BigDecimal.valueOf(nanos)).longValue());
      end = m.end();
    }
    if (end == 0 || end != t.length()) {
      throw VaultError.badRequest(
          "error converting input "
              + t
              + " for field \""
              + field
              + "\": time: invalid duration \""
              + t
              + "\"");
    }
    return total;
  }

  /**
   * Go's {@code time.Duration.String()} for whole seconds: {@code 72h0m0s}, {@code 30m0s}, {@code
   * 5s}.
   */
  static String format(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return "0s";
    }
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    if (h > 0) {
      return h + "h" + m + "m" + sec + "s";
    }
    if (m > 0) {
      return m + "m" + sec + "s";
    }
    return sec + "s";
  }
}
