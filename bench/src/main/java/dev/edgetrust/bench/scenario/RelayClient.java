package dev.edgetrust.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.load.LoadClient;
import dev.edgetrust.bench.measure.ChildJvm;
import dev.edgetrust.bench.measure.Cpu;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link LoadClient} JVM in {@code relay} mode: sessions open to every server for the whole run,
 * round-trip slices against one server at a time on command, with this JVM's CPU (the servers')
 * inside each slice.
 */
final class RelayClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChildJvm jvm;

  /** What one slice measured. */
  record Slice(
      long messages,
      double seconds,
      long p50Us,
      long p99Us,
      long maxUs,
      long unanswered,
      double serverCpuSeconds,
      String firstFailure) {
    double rate() {
      return seconds == 0 ? 0 : messages / seconds;
    }
  }

  private RelayClient(ChildJvm jvm) {
    this.jvm = jvm;
  }

  /**
   * Opens {@code sessions} sessions to each server, as the nodes in the identities of the same
   * position.
   */
  static RelayClient start(
      BenchContext context,
      List<InetSocketAddress> servers,
      List<Path> identities,
      int sessions,
      Duration heartbeat)
      throws IOException, InterruptedException {
    ChildJvm jvm =
        context
            .childJvm("relay-client", LoadClient.class.getName())
            .jvmFlags(List.of("-Xmx512m"))
            .env("EDGETRUST_LOG_LEVEL", "WARN")
            .args(
                List.of(
                    "relay",
                    "--servers",
                    servers.stream()
                        .map(a -> a.getHostString() + ":" + a.getPort())
                        .collect(Collectors.joining(",")),
                    "--identities",
                    identities.stream().map(Path::toString).collect(Collectors.joining(",")),
                    "--sessions",
                    Integer.toString(sessions),
                    "--threads",
                    "2",
                    "--heartbeat-ms",
                    Long.toString(heartbeat.toMillis())))
            .start();
    try {
      JsonNode ready = JSON.readTree(jvm.awaitLine("READY ", Duration.ofSeconds(120)));
      int expected = sessions * servers.size();
      if (ready.path("established").asInt() != expected) {
        throw new IOException(
            "the relay client opened "
                + ready.path("established").asInt()
                + " of "
                + expected
                + " sessions: "
                + ready.path("firstFailure").asText("no reason given"));
      }
    } catch (IOException | InterruptedException e) {
      jvm.close();
      throw e;
    }
    return new RelayClient(jvm);
  }

  /**
   * Round trips against server {@code index}: {@code sessions} sessions, {@code window} messages in
   * flight each.
   */
  Slice run(int index, Duration length, int sessions, int window)
      throws IOException, InterruptedException {
    long cpu0 = Cpu.processNanos();
    jvm.tell("RUN " + index + " " + length.toMillis() + " " + sessions + " " + window);
    JsonNode json = JSON.readTree(jvm.awaitLine("DONE ", length.plusSeconds(60)));
    long cpu1 = Cpu.processNanos();
    return new Slice(
        json.path("messages").asLong(),
        json.path("seconds").asDouble(),
        json.path("p50Us").asLong(),
        json.path("p99Us").asLong(),
        json.path("maxUs").asLong(),
        json.path("unanswered").asLong(),
        (cpu1 - cpu0) / 1e9,
        json.path("firstFailure").asText(null));
  }

  @Override
  public void close() {
    try {
      jvm.tell("QUIT");
    } catch (IOException e) {
      // already gone
    }
    jvm.close();
  }
}
