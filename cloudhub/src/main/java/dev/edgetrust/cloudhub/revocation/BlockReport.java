package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.pki.NodeName;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a block, unblock or reset did, step by step, for the operator and the audit log.
 *
 * <p>The outcomes are typed; {@link Action#word()}, {@link Outcome#word()} and {@link
 * StepOutcome#word()} are the one place they become the words the admin API's JSON, the CLI's
 * report and the audit log show.
 *
 * @param nextStep what the operator must do next (how to re-enroll after an unblock); may be empty
 */
public record BlockReport(
    NodeName node, Action action, Outcome outcome, List<Step> steps, String nextStep) {
  public BlockReport {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    steps = List.copyOf(steps);
    nextStep = nextStep == null ? "" : nextStep;
  }

  /** What the operator asked for. */
  public enum Action {
    BLOCK,
    UNBLOCK,
    RESET;

    /** {@code block}, {@code unblock}, {@code reset}: the admin API's path segment and JSON. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The whole procedure's outcome. */
  public enum Outcome {
    /** Every step was done. */
    DONE,
    /** Some step failed after the first. */
    PARTIAL,
    /** Nothing could be done: the first step failed. */
    FAILED;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** {@link #DONE} when every step is done, otherwise {@link #PARTIAL}. */
    static Outcome of(List<Step> steps) {
      return steps.stream().allMatch(s -> s.outcome() == StepOutcome.DONE) ? DONE : PARTIAL;
    }
  }

  /** One step's outcome. */
  public enum StepOutcome {
    DONE,
    FAILED,
    SKIPPED;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One step.
   *
   * @param id {@code a}, {@code b}, … in the order of the procedure
   */
  public record Step(String id, String title, StepOutcome outcome, String detail) {
    public Step {
      Objects.requireNonNull(outcome, "outcome");
    }

    static Step done(String id, String title, String detail) {
      return new Step(id, title, StepOutcome.DONE, detail);
    }

    static Step failed(String id, String title, String detail) {
      return new Step(id, title, StepOutcome.FAILED, detail);
    }

    static Step skipped(String id, String title, String detail) {
      return new Step(id, title, StepOutcome.SKIPPED, detail);
    }
  }

  public boolean succeeded() {
    return outcome == Outcome.DONE;
  }

  /** The steps on one line, for the audit log. */
  String summary() {
    StringBuilder out = new StringBuilder();
    for (Step s : steps) {
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append('(')
          .append(s.id())
          .append(") ")
          .append(s.outcome().word())
          .append(": ")
          .append(s.detail());
    }
    return out.toString();
  }
}
