package dev.edgetrust.pki.vault;

import java.util.Objects;

/**
 * One step of making Vault ready for edgetrust, and what became of it.
 *
 * @param name what the step is about, e.g. {@code PKI secrets engine at pki/}
 * @param outcome whether this run did it or found it done
 * @param detail a short note for the operator (the CA's subject, the TTL set, ...); may be empty
 */
public record SetupStep(String name, Outcome outcome, String detail) {
  public enum Outcome {
    DONE("done"),
    ALREADY_DONE("already done");

    private final String text;

    Outcome(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  public SetupStep {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }

  static SetupStep done(String name, String detail) {
    return new SetupStep(name, Outcome.DONE, detail);
  }

  static SetupStep alreadyDone(String name, String detail) {
    return new SetupStep(name, Outcome.ALREADY_DONE, detail);
  }

  /** {@code name: done (detail)}, as the CLI prints it. */
  @Override
  public String toString() {
    return name + ": " + outcome + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
