package dev.edgetrust.edgehub.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.JoinToken;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and checks the local edgecore's join tokens, in cloudcore's format ({@link JoinToken}:
 * {@code hex(sha256(CA DER)) + "." + JWT}), the JWT HS256 with only {@code exp}, keyed (as
 * cloudcore keys its own) with the CA's private key bytes. edgecore checks the first part against
 * {@code /ca.crt}; the gateway checks the JWT.
 */
public final class LocalJoinTokens {
  private static final String HEADER =
      Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));

  private LocalJoinTokens() {}

  /** A token for {@code ca} that expires at {@code expiry}. */
  public static JoinToken mint(LocalCa ca, Instant expiry) {
    String claims = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("{\"exp\":" + expiry.getEpochSecond() + "}").getBytes(StandardCharsets.US_ASCII));
    String signed = HEADER + "." + claims;
    return JoinToken.of(ca.hash(), signed + "." + mac(ca, signed));
  }

  /**
   * Whether {@code jwt} (what edgecore sends as {@code Authorization: Bearer}) was minted by
   * {@code ca} and has not expired at {@code now}.
   */
  static boolean accepts(LocalCa ca, String jwt, Instant now) {
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    // Constant time: the MAC is the secret being guessed.
    byte[] expected = mac(ca, parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
      return false;
    }
    try {
      JsonNode claims = MessageCodec.json().readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims == null ? null : claims.get("exp");
      return exp != null && exp.canConvertToLong() && now.getEpochSecond() < exp.asLong();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String mac(LocalCa ca, String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(ca.key().getEncoded(), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
    }
  }
}
