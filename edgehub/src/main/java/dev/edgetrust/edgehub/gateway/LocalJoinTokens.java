package dev.edgetrust.edgehub.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.pki.Hs256Jwt;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.PkiException;
import java.time.Instant;
import java.util.Map;

/**
 * Mints and checks the local edgecore's join tokens, in cloudcore's format ({@link JoinToken}:
 * {@code hex(sha256(CA DER)) + "." + JWT}), the JWT HS256 ({@link Hs256Jwt}) with only {@code exp},
 * keyed (as cloudcore keys its own) with the CA's private key bytes. edgecore checks the first part
 * against {@code /ca.crt}; the gateway checks the JWT.
 */
public final class LocalJoinTokens {
  private LocalJoinTokens() {}

  /** A token for {@code ca} that expires at {@code expiry}. */
  public static JoinToken mint(LocalCa ca, Instant expiry) {
    return JoinToken.of(ca.hash(), jwt(ca).sign(Map.of("exp", expiry.getEpochSecond())));
  }

  /**
   * Whether {@code jwt} (what edgecore sends as {@code Authorization: Bearer}) was minted by {@code
   * ca} and has not expired at {@code now}.
   */
  static boolean accepts(LocalCa ca, String jwt, Instant now) {
    JsonNode claims;
    try {
      claims = jwt(ca).verify(jwt);
    } catch (PkiException e) {
      return false;
    }
    JsonNode exp = claims.get("exp");
    return exp != null && exp.canConvertToLong() && now.getEpochSecond() < exp.asLong();
  }

  private static Hs256Jwt jwt(LocalCa ca) {
    return new Hs256Jwt(ca.key().getEncoded());
  }
}
