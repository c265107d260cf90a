package dev.edgetrust.pki;

import java.time.Instant;
import java.util.Objects;

/**
 * A join token as a CA just minted it ({@link JoinTokenMinting}): the {@link JoinToken} to hand
 * out, and what it allows, known to the minter without verifying it.
 *
 * <p>{@link #toString()} hides the token: it is a credential.
 *
 * @param claims what it allows: any node (shared), or one node once (node-bound, with its id)
 */
public record MintedJoinToken(JoinToken token, JoinTokenClaims claims) {
  public MintedJoinToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(claims, "claims");
  }

  /** The whole token, {@code <CA sha256>.<JWT>}, for the operator or a token file. Never log it. */
  public String value() {
    return token.value();
  }

  public Instant expiresAt() {
    return claims.expiresAt();
  }

  @Override
  public String toString() {
    return claims instanceof JoinTokenClaims.NodeBound b
        ? "MintedJoinToken[node " + b.node() + ", id " + b.id() + ", expires " + expiresAt() + "]"
        : "MintedJoinToken[shared, expires " + expiresAt() + "]";
  }
}
