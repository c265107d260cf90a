package dev.edgetrust.bench;

import dev.edgetrust.bench.measure.ChildJvm;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** What a running scenario gets: the options, a private work directory, a progress stream. */
public final class BenchContext {
  private final BenchOptions options;
  private final Path workDirectory;
  private final PrintStream progress;

  public BenchContext(BenchOptions options, Path workDirectory, PrintStream progress) {
    this.options = options;
    this.workDirectory = workDirectory;
    this.progress = progress;
  }

  public BenchOptions options() {
    return options;
  }

  /** {@code --nodes}, or the scenario's default. */
  public int nodes(int scenarioDefault) {
    return options.nodes().orElse(scenarioDefault);
  }

  /** {@code --seconds}, or the scenario's default. */
  public Duration seconds(Duration scenarioDefault) {
    return options.seconds().orElse(scenarioDefault);
  }

  /** A directory of this scenario's own (0700), deleted after it. */
  public Path workDirectory() {
    return workDirectory;
  }

  /** Says what the scenario is doing now, for a run that takes minutes. */
  public void progress(String line) {
    progress.println("  … " + line);
    progress.flush();
  }

  /** Starts {@code mainClass} in a separate JVM on this JVM's class path. */
  public ChildJvm.Builder childJvm(String name, String mainClass) {
    return ChildJvm.builder(name, mainClass, workDirectory);
  }
}
