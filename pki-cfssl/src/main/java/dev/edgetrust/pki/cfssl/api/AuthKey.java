package dev.edgetrust.pki.cfssl.api;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A CFSSL "standard" auth key: the hex string a profile's {@code auth_keys} entry holds, used as an
 * HMAC-SHA256 key over each request's bytes. Never printed: {@link #toString()} says only where it
 * came from.
 */
public final class AuthKey {
  private final byte[] key;
  private final String origin;

  private AuthKey(byte[] key, String origin) {
    this.key = key;
    this.origin = origin;
  }

  /**
   * Reads the key from {@code file}: hex digits, surrounding white space ignored, and the file
   * readable by its owner only.
   *
   * @throws CredentialFileException one line naming the file and what is wrong with it
   */
  public static AuthKey read(Path file) throws CredentialFileException {
    SecretFiles.requireOwnerOnly(file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (java.nio.file.NoSuchFileException e) {
      throw CredentialFileException.stated(
          file,
          "the CFSSL auth key "
              + file
              + " is missing: write there, mode 0600,"
              + " the hex key of the auth_keys entry CFSSL's profiles name");
    } catch (IOException e) {
      throw CredentialFileException.stated(
          file, "cannot read the CFSSL auth key " + file + ": " + e.getMessage());
    }
    try {
      return of(text, file.toString());
    } catch (IllegalArgumentException e) {
      throw CredentialFileException.stated(file, file + ": " + e.getMessage());
    }
  }

  /**
   * A key from its hex form, as CFSSL's config spells it.
   *
   * @throws IllegalArgumentException if it is empty or not hex (the message never repeats it)
   */
  public static AuthKey of(String hex, String origin) {
    byte[] key;
    try {
      key = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "a CFSSL auth key is an even number of hex digits (as in the server's"
              + " auth_keys entry); this one is not");
    }
    if (key.length < 16) {
      throw new IllegalArgumentException(
          "a CFSSL auth key needs at least 16 bytes (32 hex digits), this one has " + key.length);
    }
    return new AuthKey(key, origin);
  }

  /** HMAC-SHA256 of {@code request} under this key: CFSSL's {@code auth.Standard} token. */
  byte[] token(byte[] request) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(request);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is in every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "AuthKey[" + origin + "]";
  }
}
