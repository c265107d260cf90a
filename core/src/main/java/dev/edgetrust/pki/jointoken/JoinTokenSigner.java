package dev.edgetrust.pki.jointoken;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.pki.Hs256Jwt;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Mints and checks the JWT half of join tokens: HS256 ({@link Hs256Jwt}) with claim {@code exp}, as
 * KubeEdge's CloudHub issues them, but keyed with a secret of its own rather than with the CA key.
 *
 * <p>A node-bound token adds claims {@code node} (the one name it enrolls) and {@code jti} (a
 * random id, what is recorded once it is used). A stock edgecore treats the JWT as opaque, so it
 * carries either kind unchanged.
 */
public final class JoinTokenSigner {
  private final Hs256Jwt jwt;
  private final String caHash;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public JoinTokenSigner(byte[] secret, String caHash, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("join token secret must be at least 32 bytes");
    }
    this.jwt = new Hs256Jwt(secret);
    this.caHash = caHash;
    this.clock = clock;
  }

  /** A shared token, as KubeEdge mints them: any node, until it expires. */
  public MintedJoinToken mint(Duration validity) {
    return mint(validity, Optional.empty());
  }

  /** A token that enrolls {@code node} only, once. */
  public MintedJoinToken mintFor(NodeName node, Duration validity) {
    return mint(validity, Optional.of(node));
  }

  private MintedJoinToken mint(Duration validity, Optional<NodeName> node) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException(
          "a join token's validity must be positive, was " + validity);
    }
    Instant now = clock.instant();
    Instant exp = now.plus(validity);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", exp.getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    Optional<String> id = node.map(n -> newId());
    node.ifPresent(n -> claims.put("node", n.value()));
    id.ifPresent(i -> claims.put("jti", i));
    JoinToken token = JoinToken.of(caHash, jwt.sign(claims));
    return new MintedJoinToken(
        token,
        node.isPresent()
            ? new JoinTokenClaims.NodeBound(node.get(), id.get(), exp)
            : new JoinTokenClaims.Shared(exp));
  }

  /** 128 random bits, hex: unguessable and safe to write in logs and files. */
  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  public JoinTokenClaims verify(String token) throws PkiException {
    JsonNode payload = jwt.verify(token);
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
      return new JoinTokenClaims.NodeBound(
          NodeName.of(payload.path("node").asText("")), id, expiresAt);
    } catch (IllegalArgumentException e) {
      throw PkiException.refused("join token names no valid node: " + e.getMessage());
    }
  }
}
