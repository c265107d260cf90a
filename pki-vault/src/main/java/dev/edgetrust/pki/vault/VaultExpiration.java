package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.pki.vault.http.VaultErrors;
import java.time.Instant;

/**
 * The {@code expiration} field of Vault's sign/issue answers: Unix seconds, written as a JSON
 * number by most versions and as a quoted string by some (and by proxies that re-encode numbers).
 */
final class VaultExpiration {
  private VaultExpiration() {}

  /**
   * @throws IllegalArgumentException if it is missing or neither a whole number nor a string of
   *     digits
   */
  static Instant parse(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new IllegalArgumentException("expiration is missing");
    }
    if (node.isIntegralNumber()) {
      return Instant.ofEpochSecond(node.asLong());
    }
    if (node.isTextual()) {
      String t = node.asText().strip();
      if (!t.isEmpty() && t.length() <= 19 && t.chars().allMatch(Character::isDigit)) {
        return Instant.ofEpochSecond(Long.parseLong(t));
      }
    }
    throw new IllegalArgumentException(
        "expiration " + VaultErrors.printable(node.toString()) + " is not Unix seconds");
  }
}
