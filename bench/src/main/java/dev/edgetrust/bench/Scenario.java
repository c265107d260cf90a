package dev.edgetrust.bench;

/**
 * One benchmark: sets up what it measures and its baseline, drives both in the same run, and
 * returns figures. A scenario prints figures; it never fails because a figure is slow.
 *
 * <p>Adding a scenario is one class implementing this, listed in {@code scenario.Scenarios}.
 */
public interface Scenario {
  /** The name on the command line: {@code handshake}, {@code sessions}, ... */
  String name();

  /** One line: what is measured, against what. */
  String description();

  /**
   * Runs the scenario.
   *
   * @throws Exception when the set-up itself fails (a port, a file, a child JVM that would not
   *     start); the runner reports it as a failed scenario and goes on with the next
   */
  ScenarioResult run(BenchContext context) throws Exception;
}
