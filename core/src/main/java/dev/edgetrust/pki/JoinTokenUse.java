package dev.edgetrust.pki;

import java.time.Instant;
import java.util.Objects;

/** When, and for which node, a node-bound join token was used. */
public record JoinTokenUse(NodeName node, Instant at) {
  public JoinTokenUse {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(at, "at");
  }

  /** The one line a second use is refused with. */
  public String refusal() {
    return "join token already used for node " + node + " at " + at;
  }
}
