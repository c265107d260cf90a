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
 * A {@link LoadClient} JVM that knows every server and runs timed slices against one at a time on
 * command, with the CPU both processes spent inside each slice: the servers' is this JVM's (nothing
 * else runs here meanwhile), the client's is read from its process.
 */
final class HandshakeClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChildJvm jvm;

  /** What one slice measured. */
  record Slice(
      long handshakes,
      long failures,
      double seconds,
      double serverCpuSeconds,
      double clientCpuSeconds,
      String negotiated,
      String firstFailure) {
    double rate() {
      return seconds == 0 ? 0 : handshakes / seconds;
    }

    double serverCpuMsPerHandshake() {
      return handshakes == 0 ? Double.NaN : serverCpuSeconds * 1000 / handshakes;
    }
  }

  private HandshakeClient(ChildJvm jvm) {
    this.jvm = jvm;
  }

  static HandshakeClient start(
      BenchContext context,
      List<InetSocketAddress> servers,
      Path identities,
      int concurrency,
      int threads)
      throws IOException, InterruptedException {
    ChildJvm jvm =
        context
            .childJvm("handshake-client", LoadClient.class.getName())
            .jvmFlags(List.of("-Xmx512m"))
            .env("EDGETRUST_LOG_LEVEL", "WARN")
            .args(
                List.of(
                    "handshake",
                    "--servers",
                    servers.stream()
                        .map(a -> a.getHostString() + ":" + a.getPort())
                        .collect(Collectors.joining(",")),
                    "--identities",
                    identities.toString(),
                    "--concurrency",
                    Integer.toString(concurrency),
                    "--threads",
                    Integer.toString(threads)))
            .start();
    try {
      jvm.awaitLine("READY", Duration.ofSeconds(60));
    } catch (IOException | InterruptedException e) {
      jvm.close();
      throw e;
    }
    return new HandshakeClient(jvm);
  }

  /** Handshakes against server {@code index} for {@code length} (and until one succeeded). */
  Slice run(int index, Duration length) throws IOException, InterruptedException {
    long server0 = Cpu.processNanos();
    long client0 = cpuNanos(jvm.pid());
    jvm.tell("RUN " + index + " " + length.toMillis());
    String done = jvm.awaitLine("DONE ", length.plusSeconds(120));
    long server1 = Cpu.processNanos();
    long client1 = cpuNanos(jvm.pid());
    JsonNode json = JSON.readTree(done);
    return new Slice(
        json.path("handshakes").asLong(),
        json.path("failures").asLong(),
        json.path("seconds").asDouble(),
        (server1 - server0) / 1e9,
        (client1 - client0) / 1e9,
        json.path("negotiated").asText("?"),
        json.path("firstFailure").asText(null));
  }

  private static long cpuNanos(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
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
