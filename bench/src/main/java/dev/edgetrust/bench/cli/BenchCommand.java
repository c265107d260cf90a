package dev.edgetrust.bench.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.edgetrust.bench.Bench;
import dev.edgetrust.bench.BenchOptions;
import dev.edgetrust.bench.JsonReport;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.scenario.Scenarios;
import dev.edgetrust.cli.Main;
import dev.edgetrust.cli.UserErrors;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgetrust bench [SCENARIO] [--nodes N] [--seconds S] [--json FILE]}: measures the system
 * against baselines from the same run and prints the figures; missing a target is reported, not an
 * error. Exit 1 only when a scenario could not be set up at all.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure CloudHub, EdgeHub and the built-in CA against baselines measured in the same run.",
      "Scenarios: handshake, sessions, block, crl, issue, renewal-storm, edge-footprint; all by default.",
      "See docs/benchmarks.md for what each measures and a recorded run."
    })
public final class BenchCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SCENARIO",
      description = "One scenario, or 'all' (the default).")
  String scenario = "all";

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description =
          "Nodes, sessions or identities a scenario drives (default: each scenario's own, e.g. 10000 sessions).")
  Integer nodes;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      description =
          "How long a scenario measures, or the certificate lifetime it waits through (default: each scenario's own).")
  Integer seconds;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the results as JSON to FILE.")
  Path json;

  @Option(
      names = "--verbose",
      description =
          "Show the CloudHub's and EdgeHubs' own log lines (they cost CPU that is measured).")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    List<Scenario> chosen;
    if (scenario.equals("all")) {
      chosen = Scenarios.all();
    } else {
      chosen =
          List.of(
              Scenarios.named(scenario)
                  .orElseThrow(
                      () ->
                          new UserErrors.UserException(
                              "unknown scenario '"
                                  + scenario
                                  + "'; choose one of "
                                  + String.join(", ", Scenarios.names())
                                  + ", or all")));
    }
    BenchOptions options =
        BenchOptions.defaults()
            .withEdgeHubCommand(List.of(Main.class.getName(), "edgehub", "--config"));
    try {
      if (nodes != null) {
        options = options.withNodes(nodes);
      }
      if (seconds != null) {
        options = options.withSeconds(Duration.ofSeconds(seconds));
      }
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(e.getMessage());
    }
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!verbose && root.getLevel() != Level.DEBUG) {
      // A log line per connection would be measured as terminal I/O, not as the CloudHub's work.
      root.setLevel(Level.WARN);
    }
    PrintStream out = System.out;
    Bench.Report report = new Bench(options, out).run(chosen);
    if (json != null) {
      try {
        JsonReport.write(json, report);
      } catch (java.io.IOException e) {
        throw new UserErrors.UserException("cannot write " + json + ": " + e.getMessage());
      }
      out.println("results written to " + json);
    }
    return report.results().stream().anyMatch(r -> r.status() == ScenarioResult.Status.FAILED)
        ? 1
        : 0;
  }
}
