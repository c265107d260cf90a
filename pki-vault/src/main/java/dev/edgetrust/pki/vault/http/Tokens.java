package dev.edgetrust.pki.vault.http;

import dev.edgetrust.pki.PkiException;

/**
 * Checks on token text, so that a stray newline or a pasted secret never reaches a header or a log.
 */
public final class Tokens {
  private Tokens() {}

  /**
   * The token in {@code text}, surrounding whitespace removed.
   *
   * @param source named in the error, e.g. "Vault token file /etc/x"
   * @throws PkiException (refused) if it is empty or not one line of printable ASCII
   */
  public static String check(String text, String source) throws PkiException {
    String token = text.strip();
    if (token.isEmpty()) {
      throw PkiException.refused(source + " is empty: write a token to it");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        // Never echo the text: it may be a token with junk around it.
        throw PkiException.refused(
            source
                + " does not hold one token (character "
                + (i + 1)
                + " is whitespace or not printable ASCII)");
      }
    }
    return token;
  }
}
