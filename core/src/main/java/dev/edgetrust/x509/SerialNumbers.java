package dev.edgetrust.x509;

import dev.edgetrust.text.UntrustedText;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Locale;

/** Certificate serial numbers in the colon-hex form Vault uses in its API and OpenSSL prints. */
public final class SerialNumbers {
  private SerialNumbers() {}

  public static String toColonHex(BigInteger serial) {
    byte[] bytes = serial.toByteArray();
    // toByteArray() adds a sign byte when the top bit is set; Vault does not print it.
    int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    StringBuilder out = new StringBuilder();
    HexFormat hex = HexFormat.of();
    for (int i = start; i < bytes.length; i++) {
      if (out.length() > 0) {
        out.append(':');
      }
      out.append(hex.toHexDigits(bytes[i]));
    }
    return out.toString();
  }

  /**
   * Parses colon-hex ("1a:2b"), plain hex ("1a2b") or dash-separated hex.
   *
   * @throws IllegalArgumentException if it is none of those
   */
  public static BigInteger parse(String text) {
    String digits = text.trim().replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
    // Not Character.digit: it takes Arabic-Indic, full-width and other Unicode digits as hex.
    if (digits.isEmpty()
        || !digits.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException(
          "'" + UntrustedText.printable(text, 80) + "' is not a hex serial number");
    }
    return new BigInteger(digits, 16);
  }
}
