package dev.edgetrust.pki;

import java.time.Instant;
import java.util.Objects;

/**
 * What a verified join token allows: either any name (KubeEdge's shared token) or one node, once.
 *
 * <p>A shared token is what {@code keadm gettoken} prints: reusable until it expires, for any name
 * that holds no valid certificate. A node-bound token names one node and carries an id that is
 * consumed by its first enrollment ({@link BootstrapEnrollment#consumeJoinToken}).
 */
public sealed interface JoinTokenClaims permits JoinTokenClaims.Shared, JoinTokenClaims.NodeBound {
  /** When the token stops being accepted. */
  Instant expiresAt();

  /** KubeEdge's token: claim {@code exp} only, reusable by any node until it expires. */
  record Shared(Instant expiresAt) implements JoinTokenClaims {
    public Shared {
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * A token for {@code node} alone, usable once.
   *
   * @param id the token's unique id (claim {@code jti}): what is recorded when it is used, never
   *     the token itself
   */
  record NodeBound(NodeName node, String id, Instant expiresAt) implements JoinTokenClaims {
    public NodeBound {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(expiresAt, "expiresAt");
      if (id.isBlank()) {
        throw new IllegalArgumentException("a node-bound join token needs an id");
      }
    }
  }
}
