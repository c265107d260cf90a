package dev.edgetrust.pki.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and checks the JWT half of join tokens: HS256 with claim {@code exp}, as KubeEdge's
 * CloudHub issues them, but keyed with a secret of its own rather than with the CA key.
 *
 * <p>A node-bound token adds claims {@code node} (the one name it enrolls) and {@code jti} (a
 * random id, what is recorded once it is used). A stock edgecore treats the JWT as opaque, so it
 * carries either kind unchanged.
 *
 * <p>Verification accepts HS256 only: a token that names another algorithm ({@code none}, RS256
 * with the secret as a "public key") is refused before any signature is computed.
 */
final class JoinTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER = B64.encodeToString(
      "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
  /** A JWT is a few hundred bytes; anything much larger is not one of ours. */
  private static final int MAX_LENGTH = 4096;

  private final byte[] secret;
  private final String caHash;
  private final Clock clock;

  JoinTokens(byte[] secret, String caHash, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("join token secret must be at least 32 bytes");
    }
    this.secret = secret.clone();
    this.caHash = caHash;
    this.clock = clock;
  }

  private final SecureRandom random = new SecureRandom();

  /** A shared token, as KubeEdge mints them: any node, until it expires. */
  MintedJoinToken mint(Duration validity) {
    return mint(validity, Optional.empty());
  }

  /** A token that enrolls {@code node} only, once. */
  MintedJoinToken mintFor(NodeName node, Duration validity) {
    return mint(validity, Optional.of(node));
  }

  private MintedJoinToken mint(Duration validity, Optional<NodeName> node) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("a join token's validity must be positive, was " + validity);
    }
    Instant now = clock.instant();
    Instant exp = now.plus(validity);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", exp.getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    Optional<String> id = node.map(n -> newId());
    node.ifPresent(n -> claims.put("node", n.value()));
    id.ifPresent(i -> claims.put("jti", i));
    String payload;
    try {
      payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    String signingInput = HEADER + "." + payload;
    JoinToken token = JoinToken.of(caHash, signingInput + "." + B64.encodeToString(hmac(signingInput)));
    return new MintedJoinToken(token, node.isPresent()
        ? new JoinTokenClaims.NodeBound(node.get(), id.get(), exp)
        : new JoinTokenClaims.Shared(exp));
  }

  /** 128 random bits, hex: unguessable and safe to write in logs and files. */
  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  JoinTokenClaims verify(String jwt) throws PkiException {
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
    if (!MessageDigest.isEqual(signature, hmac(parts[0] + "." + parts[1]))) {
      throw PkiException.refused(
          "join token signature does not verify (minted by another CloudHub, or altered)");
    }
    JsonNode payload = decodeJson(parts[1], "payload");
    JsonNode exp = payload.path("exp");
    if (!exp.canConvertToLong()) {
      throw PkiException.refused("join token has no expiry (claim exp)");
    }
    Instant expiresAt = Instant.ofEpochSecond(exp.asLong());
    if (!clock.instant().isBefore(expiresAt)) {
      throw PkiException.refused(
          "join token expired at " + expiresAt + "; get a new one with ./edgetrust token");
    }
    // The signature holds, so these claims are ours: a token with a node is bound to it.
    if (!payload.has("node")) {
      return new JoinTokenClaims.Shared(expiresAt);
    }
    String id = payload.path("jti").asText("");
    if (id.isEmpty()) {
      throw PkiException.refused("node-bound join token has no id (claim jti)");
    }
    try {
      return new JoinTokenClaims.NodeBound(NodeName.of(payload.path("node").asText("")), id, expiresAt);
    } catch (IllegalArgumentException e) {
      throw PkiException.refused("join token names no valid node: " + e.getMessage());
    }
  }

  private static JsonNode decodeJson(String part, String what) throws PkiException {
    try {
      JsonNode node = JSON.readTree(B64D.decode(part));
      if (node == null || !node.isObject()) {
        throw PkiException.refused("join token " + what + " is not a JSON object");
      }
      return node;
    } catch (PkiException e) {
      throw e;
    } catch (Exception e) {
      throw PkiException.refused("join token " + what + " is not base64url JSON");
    }
  }

  private byte[] hmac(String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
    }
  }
}
