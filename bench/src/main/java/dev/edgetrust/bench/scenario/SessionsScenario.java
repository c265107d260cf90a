package dev.edgetrust.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.fixture.BareServer;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.fixture.NodeIdentities;
import dev.edgetrust.bench.load.LoadClient;
import dev.edgetrust.bench.measure.ChildJvm;
import dev.edgetrust.bench.measure.Cpu;
import dev.edgetrust.bench.measure.FileDescriptors;
import dev.edgetrust.bench.measure.Heap;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.HttpsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * N idle authenticated sessions held open with edgecore's keepalives: the heap each one keeps on
 * the server after a full GC, and the server's CPU while they idle, for the CloudHub and for a
 * {@link BareServer} holding the same sessions. The client is a separate JVM, so its heap, its file
 * descriptors and its CPU are not the server's.
 */
public final class SessionsScenario implements Scenario {
  static final int DEFAULT_SESSIONS = 10_000;
  static final int CONCURRENCY = 64;
  static final int SOURCE_ADDRESSES = 8;
  static final int WARM_UP_SESSIONS = 200;

  /** Besides sessions, a JVM holds jars, epoll, pipes, logs: leave this many descriptors spare. */
  static final int SPARE_DESCRIPTORS = 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "sessions";
  }

  @Override
  public String description() {
    return "N idle authenticated sessions with keepalives: heap per session after GC, CPU while idle (target <= 20 KiB/session)";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    int sessions = context.nodes(DEFAULT_SESSIONS);
    Duration idle = context.seconds(Duration.ofSeconds(20));
    Duration heartbeat =
        min(Duration.ofSeconds(15), max(idle.dividedBy(2), Duration.ofMillis(200)));
    long limit = FileDescriptors.limit();
    if (limit > 0 && sessions + SPARE_DESCRIPTORS > limit) {
      throw new IllegalStateException(
          sessions
              + " sessions need about "
              + (sessions + SPARE_DESCRIPTORS)
              + " file descriptors in the server JVM, but it may open "
              + limit
              + " (ulimit -n); lower --nodes or raise the limit");
    }

    LoopbackCloud cloud =
        LoopbackCloud.prepare(
            context.workDirectory().resolve("cloud"),
            b -> b.https(HttpsSettings.off()).nodeLimit(sessions + WARM_UP_SESSIONS));
    context.progress("signing " + sessions + " node certificates");
    Path idDir = Files.createDirectories(context.workDirectory().resolve("identities"));
    NodeIdentities ids = cloud.issueShared("bench-node", sessions, Duration.ofDays(1));
    ids.write(idDir);
    AtomicInteger hubSessions = new AtomicInteger();
    try (CloudHub hub = cloud.start(context.options().cloudHubs(), counting(hubSessions))) {
      HeldCertificate serverCertificate =
          KeyCertificateView.of(
                  cloud.settings().serverKeyFile(), cloud.settings().serverCertificateFile())
              .peek()
              .orElseThrow();
      try (BareServer bare = BareServer.start(serverCertificate, List.of(cloud.caCertificate()))) {
        Server hubServer =
            new Server("cloudhub", hub.websocketAddress().orElseThrow(), hubSessions::get);
        Server bareServer = new Server("bare", bare.address(), bare::connections);
        if (sessions > WARM_UP_SESSIONS) {
          // One-time allocations (class initialisation, caches, the first pooled buffers) belong to
          // neither server's sessions; a smoke run with fewer sessions skips this.
          context.progress("warming up both servers with " + WARM_UP_SESSIONS + " sessions each");
          hold(context, bareServer, idDir, WARM_UP_SESSIONS, heartbeat, Duration.ZERO);
          hold(context, hubServer, idDir, WARM_UP_SESSIONS, heartbeat, Duration.ZERO);
        }
        context.progress("bare: " + sessions + " sessions, then " + idle.toSeconds() + " s idle");
        Held b = hold(context, bareServer, idDir, sessions, heartbeat, idle);
        context.progress(
            "cloudhub: " + sessions + " sessions, then " + idle.toSeconds() + " s idle");
        Held h = hold(context, hubServer, idDir, sessions, heartbeat, idle);
        return result(sessions, heartbeat, idle, b, h, limit);
      }
    }
  }

  /** A listener that keeps {@code sessions} at the number of sessions the CloudHub holds. */
  static CloudHubListener counting(AtomicInteger sessions) {
    return new CloudHubListener() {
      @Override
      public void onConnected(SessionInfo session) {
        sessions.incrementAndGet();
      }

      @Override
      public void onDisconnected(SessionInfo session) {
        sessions.decrementAndGet();
      }
    };
  }

  /** One server's figures. */
  record Held(
      int established,
      int failed,
      int atServer,
      long openAtEnd,
      double rampSeconds,
      long heapBefore,
      long heapAfter,
      long directBefore,
      long directAfter,
      double idleCpuSeconds,
      double idleSeconds,
      String negotiated,
      String firstFailure) {
    double heapPerSessionKib() {
      return established == 0 ? Double.NaN : (heapAfter - heapBefore) / 1024.0 / established;
    }

    double directPerSessionKib() {
      return established == 0 || directBefore < 0
          ? Double.NaN
          : (directAfter - directBefore) / 1024.0 / established;
    }

    double idleCpuPercent() {
      return idleSeconds == 0 ? Double.NaN : idleCpuSeconds / idleSeconds * 100;
    }
  }

  /** A server holding sessions, and how many it holds open now. */
  record Server(String name, InetSocketAddress address, IntSupplier openSessions) {}

  /**
   * Heap after GC before and with {@code count} sessions from a separate client JVM held open, then
   * {@code idle} with keepalives; waits for the server to drop them after. {@code relay} uses it
   * too.
   */
  static Held hold(
      BenchContext context, Server server, Path idDir, int count, Duration heartbeat, Duration idle)
      throws IOException, InterruptedException {
    awaitCount(server, 0, Duration.ofSeconds(60));
    long heapBefore = Heap.usedAfterGc();
    long directBefore = Heap.nettyDirectBytes();
    // The client's heap grows with its sessions (a JDK SSLEngine each); give it room, it is not
    // measured.
    long clientHeapMib = 256 + count / 8L;
    try (ChildJvm client =
        context
            .childJvm("sessions-client-" + server.name() + "-" + count, LoadClient.class.getName())
            .jvmFlags(List.of("-Xmx" + clientHeapMib + "m"))
            .env("EDGETRUST_LOG_LEVEL", "WARN")
            .args(
                List.of(
                    "sessions",
                    "--server",
                    server.address().getHostString() + ":" + server.address().getPort(),
                    "--identities",
                    idDir.toString(),
                    "--count",
                    Integer.toString(count),
                    "--concurrency",
                    Integer.toString(CONCURRENCY),
                    "--threads",
                    "2",
                    "--heartbeat-ms",
                    Long.toString(heartbeat.toMillis()),
                    "--source-addresses",
                    Integer.toString(SOURCE_ADDRESSES)))
            .start()) {
      JsonNode ready =
          JSON.readTree(client.awaitLine("READY ", Duration.ofSeconds(120 + count / 20)));
      int established = ready.path("established").asInt();
      awaitCount(server, established, Duration.ofSeconds(30));
      int atServer = server.openSessions().getAsInt();
      long heapAfter = Heap.usedAfterGc();
      long directAfter = Heap.nettyDirectBytes();
      long cpu0 = Cpu.processNanos();
      long t0 = System.nanoTime();
      Thread.sleep(idle.toMillis());
      long cpu1 = Cpu.processNanos();
      long t1 = System.nanoTime();
      client.tell("COUNT");
      long openAtEnd =
          JSON.readTree(client.awaitLine("COUNT ", Duration.ofSeconds(30))).path("open").asLong();
      return new Held(
          established,
          ready.path("failed").asInt(),
          atServer,
          openAtEnd,
          ready.path("seconds").asDouble(),
          heapBefore,
          heapAfter,
          directBefore,
          directAfter,
          (cpu1 - cpu0) / 1e9,
          (t1 - t0) / 1e9,
          ready.path("negotiated").asText("?"),
          ready.path("firstFailure").asText(null));
    } finally {
      awaitCount(server, 0, Duration.ofSeconds(60));
    }
  }

  static void awaitCount(Server server, int count, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (server.openSessions().getAsInt() != count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private ScenarioResult result(
      int sessions, Duration heartbeat, Duration idle, Held bare, Held hub, long fdLimit) {
    Figure hubHeap =
        Figure.of(
                "cloudhub.heap_kib_per_session",
                "CloudHub heap retained per session (after full GC)",
                hub.heapPerSessionKib(),
                "KiB")
            .withTarget(Target.atMost(20));
    Figure bareHeap =
        Figure.of(
            "bare.heap_kib_per_session",
            "bare server heap retained per session (after full GC)",
            bare.heapPerSessionKib(),
            "KiB");
    Figure hubCpu =
        Figure.of(
            "cloudhub.idle_cpu_percent",
            "CloudHub CPU while idle (% of one core)",
            hub.idleCpuPercent(),
            "%");
    Figure bareCpu =
        Figure.of(
            "bare.idle_cpu_percent",
            "bare server CPU while idle (% of one core)",
            bare.idleCpuPercent(),
            "%");
    return ScenarioResult.measured(name())
        .load(
            "separate JVM (LoadClient): "
                + sessions
                + " raw Netty WebSocket clients on one 2-thread event loop group, "
                + CONCURRENCY
                + " handshakes in flight while ramping, source addresses 127.0.0.2-"
                + (1 + SOURCE_ADDRESSES)
                + "; edgecore's keepalive message + a ping every "
                + heartbeat.toMillis()
                + " ms per session")
        .figure(
            "cloudhub.sessions",
            "CloudHub sessions established (registered at the hub)",
            hub.atServer(),
            "")
        .figure("cloudhub.failed", "CloudHub sessions that failed to open", hub.failed(), "")
        .figure(
            "cloudhub.open_after_idle",
            "CloudHub sessions still open after the idle window",
            hub.openAtEnd(),
            "")
        .figure(hubHeap)
        .figure(bareHeap)
        .figure(
            "cloudhub.direct_kib_per_session",
            "CloudHub Netty direct memory per session",
            hub.directPerSessionKib(),
            "KiB")
        .figure(hubCpu)
        .figure(bareCpu)
        .figure(
            "cloudhub.ramp_sessions_per_second",
            "CloudHub ramp: sessions opened per second",
            hub.established() / hub.rampSeconds(),
            "/s")
        .figure("bare.sessions", "bare sessions established", bare.atServer(), "")
        .comparison(
            Comparison.of("heap_ratio", "heap per session, CloudHub / bare", hubHeap, bareHeap))
        .comparison(
            Comparison.of("idle_cpu_ratio", "CPU while idle, CloudHub / bare", hubCpu, bareCpu))
        .note(
            "keepalives: "
                + sessions
                + " sessions / "
                + heartbeat.toMillis()
                + " ms = "
                + Figure.format(sessions * 1000.0 / heartbeat.toMillis())
                + " keepalive messages + pings per second during the "
                + idle.toSeconds()
                + " s idle window")
        .note(
            "heap: used heap after forced full GCs ("
                + Heap.gcName()
                + "), before the client connected vs. with all sessions"
                + " open"
                + (sessions > WARM_UP_SESSIONS
                    ? "; both servers were warmed with " + WARM_UP_SESSIONS + " sessions first"
                    : ""))
        .note("negotiated: " + hub.negotiated() + "; server JVM file-descriptor limit " + fdLimit)
        .note(
            hub.firstFailure() == null
                ? "no failed sessions"
                : "first failure: " + hub.firstFailure())
        .build();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
