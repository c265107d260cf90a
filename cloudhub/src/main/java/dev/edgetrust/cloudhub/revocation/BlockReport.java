package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.pki.NodeName;
import java.util.List;
import java.util.Objects;

/**
 * What a block, unblock or reset did, step by step, for the operator and the audit log.
 *
 * @param action {@code block}, {@code unblock} or {@code reset}
 * @param outcome {@code done} when every step was, {@code partial} when some step failed after
 *     the first, {@code failed} when nothing could be done
 * @param nextStep what the operator must do next (how to re-enroll after an unblock); may be empty
 */
public record BlockReport(NodeName node, String action, String outcome, List<Step> steps, String nextStep) {
  public BlockReport {
    Objects.requireNonNull(node, "node");
    steps = List.copyOf(steps);
    nextStep = nextStep == null ? "" : nextStep;
  }

  /**
   * One step.
   *
   * @param id {@code a}, {@code b}, … in the order of the procedure
   * @param outcome {@code done}, {@code failed} or {@code skipped}
   */
  public record Step(String id, String title, String outcome, String detail) {
    static Step done(String id, String title, String detail) {
      return new Step(id, title, "done", detail);
    }

    static Step failed(String id, String title, String detail) {
      return new Step(id, title, "failed", detail);
    }

    static Step skipped(String id, String title, String detail) {
      return new Step(id, title, "skipped", detail);
    }
  }

  public boolean succeeded() {
    return "done".equals(outcome);
  }

  /** The steps on one line, for the audit log. */
  String summary() {
    StringBuilder out = new StringBuilder();
    for (Step s : steps) {
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append('(').append(s.id()).append(") ").append(s.outcome()).append(": ").append(s.detail());
    }
    return out.toString();
  }
}
