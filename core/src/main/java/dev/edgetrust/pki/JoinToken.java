package dev.edgetrust.pki;

import java.time.Instant;
import java.util.Objects;

/**
 * A KubeEdge join token, {@code <hex sha256 of the CA DER>.<JWT>}: the edge checks the CA it
 * downloads against the first part and presents the JWT to enroll.
 *
 * <p>{@link #toString()} hides the value: a token is a credential.
 *
 * @param claims what it allows: any node (shared), or one node once (node-bound, with its id)
 */
public record JoinToken(String value, JoinTokenClaims claims) {
  public JoinToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(claims, "claims");
  }

  public Instant expiresAt() {
    return claims.expiresAt();
  }

  @Override
  public String toString() {
    return claims instanceof JoinTokenClaims.NodeBound b
        ? "JoinToken[node " + b.node() + ", id " + b.id() + ", expires " + expiresAt() + "]"
        : "JoinToken[shared, expires " + expiresAt() + "]";
  }
}
