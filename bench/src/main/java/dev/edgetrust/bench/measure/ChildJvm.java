package dev.edgetrust.bench.measure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM on this JVM's class path: client load that must not share a heap, a
 * file-descriptor limit or a CPU clock with what is measured, or an EdgeHub whose resident memory
 * is the figure. It speaks by printing lines on stdout; stderr goes to a log file that an error
 * quotes.
 */
public final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread reader = new Thread(this::readStdout, "bench-child-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  public static Builder builder(String name, String mainClass, Path logDirectory) {
    return new Builder(name, mainClass, logDirectory);
  }

  /** How to start one. */
  public static final class Builder {
    private final String name;
    private final String mainClass;
    private final Path logDirectory;
    private final List<String> jvmFlags = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> environment = new HashMap<>();

    private Builder(String name, String mainClass, Path logDirectory) {
      this.name = name;
      this.mainClass = mainClass;
      this.logDirectory = logDirectory;
    }

    public Builder jvmFlags(List<String> flags) {
      jvmFlags.addAll(flags);
      return this;
    }

    public Builder args(List<String> more) {
      args.addAll(more);
      return this;
    }

    public Builder env(String key, String value) {
      environment.put(key, value);
      return this;
    }

    public ChildJvm start() throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmFlags);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(mainClass);
      command.addAll(args);
      Path log = logDirectory.resolve(name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectError(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      pb.environment().putAll(environment);
      return new ChildJvm(name, pb.start(), log);
    }
  }

  private void readStdout() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The process went away; awaitLine reports that.
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The next stdout line that starts with {@code prefix}, without the prefix; other lines are
   * skipped.
   *
   * @throws IOException if the process ends first or {@code timeout} passes, quoting its log
   */
  public String awaitLine(String prefix, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException(
            name
                + " said no '"
                + prefix.strip()
                + "' within "
                + timeout.toSeconds()
                + " s"
                + tail());
      }
      String line =
          lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
      if (line != null) {
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length());
        }
      } else if (!process.isAlive() && lines.isEmpty()) {
        throw new IOException(
            name
                + " exited with "
                + process.exitValue()
                + " before saying '"
                + prefix.strip()
                + "'"
                + tail());
      }
    }
  }

  /** Sends one line to the process's stdin. */
  public void tell(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /** The last lines of the process's stderr log, for an error message (empty if there are none). */
  public String logTail() {
    return tail();
  }

  private String tail() {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> last = all.subList(Math.max(0, all.size() - 5), all.size());
      return last.isEmpty() ? "" : "; its log " + log + " ends: " + String.join(" | ", last);
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the process: politely, then forcibly. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
