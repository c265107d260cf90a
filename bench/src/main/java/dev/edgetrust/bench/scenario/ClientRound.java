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

/**
 * One timed round of handshakes from a {@link LoadClient} JVM against one server, with the CPU
 * both processes spent inside the measured window: the server's is this JVM's (nothing else runs
 * here meanwhile), the client's is read from its process.
 */
record ClientRound(long handshakes, long failures, double seconds, double serverCpuSeconds, double clientCpuSeconds,
    String negotiated, String firstFailure) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ClientRound run(
      BenchContext context, String name, InetSocketAddress server, Path identities, int concurrency, int threads,
      Duration warmup, Duration measure) throws IOException, InterruptedException {
    try (ChildJvm client =
        context.childJvm(name, LoadClient.class.getName())
            .jvmFlags(List.of("-Xmx512m"))
            .env("EDGETRUST_LOG_LEVEL", "WARN")
            .args(List.of(
                "handshake",
                "--server", server.getHostString() + ":" + server.getPort(),
                "--identities", identities.toString(),
                "--concurrency", Integer.toString(concurrency),
                "--threads", Integer.toString(threads),
                "--warmup-ms", Long.toString(warmup.toMillis()),
                "--measure-ms", Long.toString(measure.toMillis()),
                "--min-handshakes", "5"))
            .start()) {
      Duration patience = warmup.plus(measure).plusSeconds(90);
      client.awaitLine("MEASURING", patience);
      long server0 = Cpu.processNanos();
      long client0 = cpuNanos(client.pid());
      String result = client.awaitLine("RESULT ", patience);
      long server1 = Cpu.processNanos();
      long client1 = cpuNanos(client.pid());
      JsonNode json = JSON.readTree(result);
      return new ClientRound(
          json.path("handshakes").asLong(),
          json.path("failures").asLong(),
          json.path("seconds").asDouble(),
          (server1 - server0) / 1e9,
          (client1 - client0) / 1e9,
          json.path("negotiated").asText("?"),
          json.path("firstFailure").asText(null));
    }
  }

  static long cpuNanos(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
  }
}
