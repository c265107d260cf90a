package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;

/**
 * A scenario the issue asks for whose subject is not in this build yet. It is listed, so that
 * {@code bench} shows what is still to come, and reports PENDING without measuring anything.
 */
public final class PendingScenario implements Scenario {
  private final String name;
  private final String description;
  private final String why;

  private PendingScenario(String name, String description, String why) {
    this.name = name;
    this.description = description;
    this.why = why;
  }

  /** Blocking nodes and CRLs came with revocation (the block branch); these scenarios are next. */
  public static PendingScenario arrivesWithRevocation(String name, String description) {
    return new PendingScenario(name, description,
        "arrives with revocation: not written yet (the CloudHub's revocation and blocking landed after this bench was built)");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public ScenarioResult run(BenchContext context) {
    return ScenarioResult.pending(name, why);
  }
}
