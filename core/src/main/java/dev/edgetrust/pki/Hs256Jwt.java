package dev.edgetrust.pki;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JWT half of a KubeEdge {@link JoinToken}: compact JWS, HS256 only, as cloudcore mints it. The
 * built-in CA (keyed with a secret of its own) and the edge gateway (keyed, as cloudcore is, with
 * its CA key) both sign and check with this one class; what the claims mean stays with them.
 *
 * <p>Written here rather than taken from a JOSE library (nimbus-jose-jwt was weighed): the one
 * shape in use is a fixed header and an HMAC over it, some 60 lines; the edge, which runs it too,
 * stays free of a JWS/JWE/JWK library it would use a sliver of; and each refusal keeps a message
 * that says which part failed. Verification accepts HS256 only: a token naming another algorithm
 * ({@code none}, RS256 with the key as a "public key") is refused before any MAC is computed, and
 * the MAC is compared in constant time.
 */
public final class Hs256Jwt {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));

  /** A join token's JWT is a few hundred bytes; anything much larger is not one. */
  private static final int MAX_LENGTH = 4096;

  private final byte[] key;

  /** Signs and checks with {@code key} (a copy is kept). */
  public Hs256Jwt(byte[] key) {
    this.key = key.clone();
  }

  /**
   * {@code header.payload.signature}, the payload {@code claims} as a JSON object in their order.
   */
  public String sign(Map<String, ?> claims) {
    String payload;
    try {
      payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("claims that are not JSON: " + e.getOriginalMessage(), e);
    }
    String signingInput = HEADER + "." + payload;
    return signingInput + "." + B64.encodeToString(mac(signingInput));
  }

  /**
   * The claims of {@code jwt} if this key signed it. Expiry and the other claims are not looked at.
   *
   * @throws PkiException refused, naming the part that fails ("join token signature does not verify
   *     ..."); never quoting the token
   */
  public JsonNode verify(String jwt) throws PkiException {
    if (jwt == null || jwt.isEmpty()) {
      throw PkiException.refused("no join token presented");
    }
    if (jwt.length() > MAX_LENGTH) {
      throw PkiException.refused("join token is too long");
    }
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      throw PkiException.refused("join token is malformed (expected header.payload.signature)");
    }
    JsonNode header = decodeJson(parts[0], "header");
    if (!"HS256".equals(header.path("alg").asText())) {
      throw PkiException.refused("join token algorithm must be HS256");
    }
    byte[] signature;
    try {
      signature = B64D.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw PkiException.refused("join token signature is not base64url");
    }
    if (!MessageDigest.isEqual(signature, mac(parts[0] + "." + parts[1]))) {
      throw PkiException.refused(
          "join token signature does not verify (minted by another CloudHub, or altered)");
    }
    return decodeJson(parts[1], "payload");
  }

  /**
   * Whether this key made {@code jwt}'s signature: for a verifier that holds several keys and must
   * pick the one that signed before checking the rest with {@link #verify}.
   */
  public boolean signs(String jwt) {
    if (jwt == null || jwt.length() > MAX_LENGTH) {
      return false;
    }
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    try {
      return MessageDigest.isEqual(B64D.decode(parts[2]), mac(parts[0] + "." + parts[1]));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static JsonNode decodeJson(String part, String what) throws PkiException {
    JsonNode node;
    try {
      node = JSON.readTree(B64D.decode(part));
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw PkiException.refused("join token " + what + " is not base64url JSON");
    }
    if (node == null || !node.isObject()) {
      throw PkiException.refused("join token " + what + " is not a JSON object");
    }
    return node;
  }

  private byte[] mac(String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
    }
  }
}
