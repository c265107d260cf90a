package dev.edgetrust.bench;

import dev.edgetrust.bench.measure.Cpu;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs scenarios one after another, each in a work directory of its own, and prints each table as
 * soon as it is measured. A scenario whose set-up fails is reported FAILED and the run goes on.
 */
public final class Bench {
  private final BenchOptions options;
  private final PrintStream out;

  public Bench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** The whole run: the machine it ran on, and every scenario's result. */
  public record Report(
      Machine machine, Instant started, double loadAverageAfter, List<ScenarioResult> results) {
    public Report {
      results = List.copyOf(results);
    }
  }

  public Report run(List<Scenario> scenarios) throws IOException {
    Machine machine = Machine.current();
    Instant started = Instant.now();
    ReportPrinter printer = new ReportPrinter(out);
    printer.machine(machine);
    List<ScenarioResult> results = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      printer.start(scenario);
      ScenarioResult result = runOne(scenario);
      results.add(result);
      printer.result(result);
    }
    return new Report(machine, started, Cpu.loadAverage(), results);
  }

  private ScenarioResult runOne(Scenario scenario) throws IOException {
    Path dir =
        Files.createTempDirectory(
            "edgetrust-bench-" + scenario.name() + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    long start = System.nanoTime();
    try {
      ScenarioResult result = scenario.run(new BenchContext(options, dir, out));
      return result.took(Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ScenarioResult.failed(
          scenario.name(), "interrupted", Duration.ofNanos(System.nanoTime() - start));
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      return ScenarioResult.failed(
          scenario.name(), why, Duration.ofNanos(System.nanoTime() - start));
    } finally {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temp directory is not worth failing a run for.
    }
  }
}
