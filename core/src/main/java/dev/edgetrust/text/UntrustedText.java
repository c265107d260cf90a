package dev.edgetrust.text;

/**
 * Text that came from outside — a peer's header, a CSR's name, a key or value in a user's file —
 * made safe to put in a log line or an error message: clipped, and every character that could end
 * the line or rewrite the terminal (C0 and C1 controls, DEL, U+2028, U+2029) replaced with '?'.
 */
public final class UntrustedText {
  private UntrustedText() {}

  public static String printable(String s, int maxLength) {
    if (s == null) {
      return "";
    }
    String clipped = s.length() > maxLength ? s.substring(0, maxLength) + "…" : s;
    StringBuilder out = new StringBuilder(clipped.length());
    for (char c : clipped.toCharArray()) {
      out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
    }
    return out.toString();
  }
}
