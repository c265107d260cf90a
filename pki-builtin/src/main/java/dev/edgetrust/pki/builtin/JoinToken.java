package dev.edgetrust.pki.builtin;

import java.time.Instant;

/**
 * A KubeEdge join token, {@code <hex sha256 of the CA DER>.<JWT>}: the edge checks the CA it
 * downloads against the first part and presents the JWT to enroll.
 *
 * <p>{@link #toString()} hides the value: a token is a credential.
 */
public record JoinToken(String value, Instant expiresAt) {
  @Override
  public String toString() {
    return "JoinToken[expires " + expiresAt + "]";
  }
}
