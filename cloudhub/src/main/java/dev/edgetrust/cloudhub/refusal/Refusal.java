package dev.edgetrust.cloudhub.refusal;

import java.util.Objects;

/** A refusal: its kind, for metrics, and the one line that says why, for logs and the client. */
public record Refusal(RefusalReason reason, String message) {
  public Refusal {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
