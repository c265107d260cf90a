package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.measure.FileDescriptors;
import dev.edgetrust.bench.measure.Heap;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.gateway.UpstreamServer;
import dev.edgetrust.cloudhub.gateway.UpstreamSettings;
import dev.edgetrust.standin.CloudcoreCredentials;
import dev.edgetrust.standin.CloudcoreStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cloud gateway's relay overhead: edgecore-shaped messages answered by a cloudcore-compatible
 * upstream ({@link CloudcoreStandIn}, acking each as cloudcore does), through the gateway vs. a
 * direct connection to the same upstream, alternated slice by slice in one run: messages per second
 * (wall clock and per server CPU-second), round-trip latency, and heap per relayed session.
 */
public final class RelayScenario implements Scenario {
  static final int DEFAULT_SESSIONS = 2_000;

  /** Sessions that carry the throughput load, each with {@link #WINDOW} messages unanswered. */
  static final int LOAD_SESSIONS = 32;

  static final int WINDOW = 8;
  static final int WARM_UP_SESSIONS = 200;
  static final Duration FULL_RUN = Duration.ofSeconds(4);

  /** Sent by every load session: under cloudcore's 30 s keepalive check and the gateway's. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  /**
   * Per held relayed session: the edge leg, the upstream leg and cloudcore's end, all in this JVM.
   */
  static final int DESCRIPTORS_PER_SESSION = 3;

  private static final int DIRECT = 0;
  private static final int GATEWAY = 1;

  @Override
  public String name() {
    return "relay";
  }

  @Override
  public String description() {
    return "messages/s and round-trip p99 through the cloud gateway vs. direct to the same cloudcore-compatible upstream;"
        + " heap per relayed session (targets >= 0.8, < 1 ms added p99, <= 2x)";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    int sessions = context.nodes(DEFAULT_SESSIONS);
    Duration total = context.seconds(Duration.ofSeconds(10));
    boolean full = total.compareTo(FULL_RUN) >= 0;
    int roundsPerPath = full ? 2 : 1;
    Duration slice = total.dividedBy(roundsPerPath);
    long limit = FileDescriptors.limit();
    if (limit > 0
        && (long) sessions * DESCRIPTORS_PER_SESSION + SessionsScenario.SPARE_DESCRIPTORS > limit) {
      throw new IllegalStateException(
          sessions
              + " relayed sessions need about "
              + sessions * DESCRIPTORS_PER_SESSION
              + " file descriptors in the bench JVM, but it may open "
              + limit
              + " (ulimit -n); lower --nodes or raise the limit");
    }
    int names = Math.max(sessions, LOAD_SESSIONS);
    Path work = context.workDirectory();

    // cloudcore's CA is its own, as in a real cluster: it signs the stand-in's server certificate,
    // the gateway's one upstream certificate, and the nodes' certificates for the direct path.
    LoopbackCloud cloudcoreCa = LoopbackCloud.prepare(work.resolve("cloudcore"), b -> b);
    CloudcoreCredentials cloudcore = CloudcoreCredentials.of(cloudcoreCa.ca(), Duration.ofDays(1));
    CloudcoreCredentials.GatewayFiles files = cloudcore.writeGatewayFiles(work.resolve("upstream"));
    context.progress("signing " + names + " node certificates on each of the two CAs");
    Path directIds = Files.createDirectories(work.resolve("identities-direct"));
    cloudcoreCa.issueShared("relay-node", names, Duration.ofDays(1)).write(directIds);

    try (CloudcoreStandIn upstream =
        cloudcore.startStandIn(Duration.ofSeconds(30), CloudcoreStandIn.Recording.NOTHING)) {
      LoopbackCloud gatewayCloud =
          LoopbackCloud.prepare(
              work.resolve("gateway"),
              b ->
                  b.httpsAddress(null)
                      .nodeLimit(names + WARM_UP_SESSIONS)
                      .upstream(
                          UpstreamSettings.of(
                              new UpstreamServer("127.0.0.1", upstream.port()),
                              files.caFile(),
                              files.certFile(),
                              files.keyFile())));
      Path gatewayIds = Files.createDirectories(work.resolve("identities-gateway"));
      gatewayCloud.issueShared("relay-node", names, Duration.ofDays(1)).write(gatewayIds);
      // The same CloudHub with upstream off: what a direct edgetrust session holds, for the heap
      // baseline.
      LoopbackCloud plainCloud =
          LoopbackCloud.prepare(
              work.resolve("plain"), b -> b.httpsAddress(null).nodeLimit(names + WARM_UP_SESSIONS));
      Path plainIds = Files.createDirectories(work.resolve("identities-plain"));
      plainCloud.issueShared("relay-node", names, Duration.ofDays(1)).write(plainIds);
      AtomicInteger edgeSessions = new AtomicInteger();
      AtomicInteger plainSessions = new AtomicInteger();
      try (CloudHub gateway =
              gatewayCloud.start(
                  context.options().cloudHubs(), SessionsScenario.counting(edgeSessions));
          CloudHub plainHub =
              plainCloud.start(
                  context.options().cloudHubs(), SessionsScenario.counting(plainSessions))) {
        SessionsScenario.Server plain =
            new SessionsScenario.Server(
                "cloudhub", plainHub.websocketAddress().orElseThrow(), plainSessions::get);
        SessionsScenario.Server direct =
            new SessionsScenario.Server("direct", upstream.address(), upstream::sessionCount);
        // Relayed sessions count once both legs agree (all up, or all gone); -1 while they differ.
        SessionsScenario.Server relayed =
            new SessionsScenario.Server(
                "gateway",
                gateway.websocketAddress().orElseThrow(),
                () -> edgeSessions.get() == upstream.sessionCount() ? edgeSessions.get() : -1);

        Paths load = new Paths();
        try (RelayClient client =
            RelayClient.start(
                context,
                List.of(direct.address(), relayed.address()),
                List.of(directIds, gatewayIds),
                LOAD_SESSIONS,
                HEARTBEAT)) {
          Duration warm = full ? Duration.ofSeconds(2) : slice;
          context.progress(
              "warming up: "
                  + (full ? 3 : 1)
                  + " alternating "
                  + warm.toMillis()
                  + " ms slices per path");
          for (int i = 0; i < (full ? 3 : 1); i++) {
            client.run(DIRECT, warm, LOAD_SESSIONS, WINDOW);
            client.run(GATEWAY, warm, LOAD_SESSIONS, WINDOW);
          }
          context.progress(
              roundsPerPath * 2
                  + " throughput slices of "
                  + slice.toMillis()
                  + " ms ("
                  + LOAD_SESSIONS
                  + " sessions x "
                  + WINDOW
                  + " in flight), then as many latency slices (1 session, 1 in flight), direct/gateway/gateway/direct");
          for (int i = 0; i < roundsPerPath * 2; i++) {
            int path = (i % 4 == 1) || (i % 4 == 2) ? GATEWAY : DIRECT;
            (path == GATEWAY ? load.gatewayLoad : load.directLoad)
                .add(client.run(path, slice, LOAD_SESSIONS, WINDOW));
          }
          for (int i = 0; i < roundsPerPath * 2; i++) {
            int path = (i % 4 == 1) || (i % 4 == 2) ? GATEWAY : DIRECT;
            (path == GATEWAY ? load.gatewayLatency : load.directLatency)
                .add(client.run(path, slice, 1, 1));
          }
        }
        SessionsScenario.awaitCount(relayed, 0, Duration.ofSeconds(60));
        SessionsScenario.awaitCount(direct, 0, Duration.ofSeconds(60));

        if (sessions > WARM_UP_SESSIONS) {
          // One-time allocations belong to neither path's sessions; a smoke run skips this.
          context.progress(
              "warming up both paths with " + WARM_UP_SESSIONS + " held sessions each");
          SessionsScenario.hold(
              context, direct, directIds, WARM_UP_SESSIONS, HEARTBEAT, Duration.ZERO);
          SessionsScenario.hold(
              context, relayed, gatewayIds, WARM_UP_SESSIONS, HEARTBEAT, Duration.ZERO);
          SessionsScenario.hold(
              context, plain, plainIds, WARM_UP_SESSIONS, HEARTBEAT, Duration.ZERO);
        }
        context.progress("direct: " + sessions + " sessions held at the upstream");
        SessionsScenario.Held heldDirect =
            SessionsScenario.hold(context, direct, directIds, sessions, HEARTBEAT, Duration.ZERO);
        context.progress("gateway: " + sessions + " relayed sessions");
        SessionsScenario.Held heldRelayed =
            SessionsScenario.hold(context, relayed, gatewayIds, sessions, HEARTBEAT, Duration.ZERO);
        context.progress("cloudhub (upstream off): " + sessions + " direct sessions");
        SessionsScenario.Held heldPlain =
            SessionsScenario.hold(context, plain, plainIds, sessions, HEARTBEAT, Duration.ZERO);
        return result(
            context,
            sessions,
            roundsPerPath,
            slice,
            load,
            new Held3(heldDirect, heldRelayed, heldPlain));
      }
    }
  }

  /**
   * The heap phases: direct to the upstream, relayed by the gateway, direct to the CloudHub with
   * upstream off.
   */
  private record Held3(
      SessionsScenario.Held direct, SessionsScenario.Held relayed, SessionsScenario.Held plain) {}

  /** The slices of each path and kind. */
  private static final class Paths {
    final Totals directLoad = new Totals();
    final Totals gatewayLoad = new Totals();
    final Totals directLatency = new Totals();
    final Totals gatewayLatency = new Totals();
  }

  /**
   * Sums of the slices of one path and kind; quantiles are the worst slice's (slices are equal in
   * length).
   */
  private static final class Totals {
    final List<RelayClient.Slice> slices = new ArrayList<>();

    void add(RelayClient.Slice s) {
      slices.add(s);
    }

    long messages() {
      return slices.stream().mapToLong(RelayClient.Slice::messages).sum();
    }

    double rate() {
      double seconds = slices.stream().mapToDouble(RelayClient.Slice::seconds).sum();
      return seconds == 0 ? 0 : messages() / seconds;
    }

    double perCpuSecond() {
      double cpu = slices.stream().mapToDouble(RelayClient.Slice::serverCpuSeconds).sum();
      return cpu == 0 ? Double.NaN : messages() / cpu;
    }

    double cpuMicrosPerMessage() {
      return messages() == 0
          ? Double.NaN
          : slices.stream().mapToDouble(RelayClient.Slice::serverCpuSeconds).sum()
              * 1e6
              / messages();
    }

    double p50Ms() {
      return slices.stream().mapToLong(RelayClient.Slice::p50Us).max().orElse(0) / 1000.0;
    }

    double p99Ms() {
      return slices.stream().mapToLong(RelayClient.Slice::p99Us).max().orElse(0) / 1000.0;
    }

    long unanswered() {
      return slices.stream().mapToLong(RelayClient.Slice::unanswered).sum();
    }

    String firstFailure() {
      return slices.stream()
          .map(RelayClient.Slice::firstFailure)
          .filter(f -> f != null)
          .findFirst()
          .orElse(null);
    }

    /**
     * Each slice's rate, and its p99 where that says something (one message in flight: under load
     * it is the window / the rate).
     */
    String perSlice(boolean latency) {
      return String.join(
          ", ",
          slices.stream()
              .map(
                  s ->
                      Figure.format(s.rate())
                          + "/s"
                          + (latency ? " p99 " + Figure.format(s.p99Us() / 1000.0) + " ms" : ""))
              .toList());
    }
  }

  private ScenarioResult result(
      BenchContext context, int sessions, int rounds, Duration slice, Paths p, Held3 held) {
    SessionsScenario.Held direct = held.direct();
    SessionsScenario.Held relayed = held.relayed();
    Figure gwRate =
        Figure.of(
            "gateway.messages_per_second",
            "through the gateway: messages answered per second",
            p.gatewayLoad.rate(),
            "/s");
    Figure directRate =
        Figure.of(
            "direct.messages_per_second",
            "direct to the upstream: messages answered per second",
            p.directLoad.rate(),
            "/s");
    Figure gwPerCpu =
        Figure.of(
            "gateway.messages_per_server_cpu_second",
            "through the gateway: messages per server CPU-second",
            p.gatewayLoad.perCpuSecond(),
            "/s");
    Figure directPerCpu =
        Figure.of(
            "direct.messages_per_server_cpu_second",
            "direct: messages per server CPU-second",
            p.directLoad.perCpuSecond(),
            "/s");
    Figure gwP99 =
        Figure.of(
            "gateway.round_trip_p99_ms",
            "through the gateway: round trip p99, 1 message in flight",
            p.gatewayLatency.p99Ms(),
            "ms");
    Figure directP99 =
        Figure.of(
            "direct.round_trip_p99_ms",
            "direct: round trip p99, 1 message in flight",
            p.directLatency.p99Ms(),
            "ms");
    double addedP99 = p.gatewayLatency.p99Ms() - p.directLatency.p99Ms();
    double directKib = direct.heapPerSessionKib();
    double relayedKib = relayed.heapPerSessionKib() - directKib;
    Figure gwHeap =
        Figure.of(
            "gateway.heap_kib_per_relayed_session",
            "gateway heap per relayed session (edge leg + upstream leg), after full GC",
            relayedKib,
            "KiB");
    Figure directHeap =
        Figure.of(
            "direct.heap_kib_per_session",
            "upstream heap per direct session, after full GC",
            directKib,
            "KiB");
    Figure plainHeap =
        Figure.of(
            "cloudhub.heap_kib_per_session",
            "CloudHub (upstream off) heap per direct session, after full GC",
            held.plain().heapPerSessionKib(),
            "KiB");
    return ScenarioResult.measured(name())
        .load(
            "separate JVM (LoadClient, relay mode), one for the whole run: "
                + LOAD_SESSIONS
                + " sessions to each path on one"
                + " 2-thread event loop group, each keeping "
                + WINDOW
                + " edgecore-shaped messages unanswered (throughput) or 1"
                + " (latency); the upstream acks each as cloudcore does; heap: LoadClient sessions mode, "
                + sessions
                + " sessions")
        .figure(gwRate)
        .figure(directRate)
        .figure(gwPerCpu)
        .figure(directPerCpu)
        .figure(
            "gateway.server_cpu_us_per_message",
            "through the gateway: server CPU per message (gateway + upstream)",
            p.gatewayLoad.cpuMicrosPerMessage(),
            "µs")
        .figure(
            "direct.server_cpu_us_per_message",
            "direct: server CPU per message (upstream)",
            p.directLoad.cpuMicrosPerMessage(),
            "µs")
        .figure(
            "gateway.round_trip_p50_ms",
            "through the gateway: round trip p50, 1 message in flight",
            p.gatewayLatency.p50Ms(),
            "ms")
        .figure(
            "direct.round_trip_p50_ms",
            "direct: round trip p50, 1 message in flight",
            p.directLatency.p50Ms(),
            "ms")
        .figure(gwP99)
        .figure(directP99)
        .figure(
            Figure.of("gateway.added_p99_ms", "round trip p99 the gateway adds", addedP99, "ms")
                .withTarget(Target.atMost(1.0)))
        .figure(
            "unanswered",
            "messages never answered (both paths)",
            p.gatewayLoad.unanswered()
                + p.directLoad.unanswered()
                + p.gatewayLatency.unanswered()
                + p.directLatency.unanswered(),
            "")
        .figure(gwHeap)
        .figure(directHeap)
        .figure(plainHeap)
        .figure("gateway.sessions", "relayed sessions held (both legs up)", relayed.atServer(), "")
        .figure("direct.sessions", "direct sessions held", direct.atServer(), "")
        .figure(
            "cloudhub.sessions",
            "CloudHub (upstream off) sessions held",
            held.plain().atServer(),
            "")
        .comparison(
            Comparison.of("throughput_ratio", "messages/s, gateway / direct", gwRate, directRate)
                .withTarget(Target.atLeast(0.8)))
        .comparison(
            Comparison.of(
                    "server_cpu_throughput_ratio",
                    "messages per server CPU-second, gateway / direct",
                    gwPerCpu,
                    directPerCpu)
                .withTarget(Target.atLeast(0.8)))
        .comparison(
            Comparison.of("p99_ratio", "round trip p99, gateway / direct", gwP99, directP99))
        .comparison(
            Comparison.of(
                    "heap_ratio",
                    "heap per session, gateway (relayed) / CloudHub (direct, upstream off)",
                    gwHeap,
                    plainHeap)
                .withTarget(Target.atMost(2.0)))
        .comparison(
            Comparison.of(
                "heap_upstream_ratio",
                "heap per session, gateway (relayed) / the upstream (direct)",
                gwHeap,
                directHeap))
        .note(
            "throughput per slice: gateway "
                + p.gatewayLoad.perSlice(false)
                + "; direct "
                + p.directLoad.perSlice(false))
        .note(
            "latency per slice: gateway "
                + p.gatewayLatency.perSlice(true)
                + "; direct "
                + p.directLatency.perSlice(true))
        .note(
            "server CPU is this JVM's, which runs the upstream on both paths and the gateway on one: per server CPU-second,"
                + " the gateway's own cost is the difference; the client's CPU is its own JVM's, on the same cores")
        .note(
            "the upstream is the cloudcore stand-in (Netty, JDK TLS), not cloudcore itself: a Go cloudcore costs what it"
                + " costs on both paths alike; the gateway's share is what this measures")
        .note(
            "heap: used heap after forced full GCs ("
                + Heap.gcName()
                + ") before vs. with all sessions open; a relayed"
                + " session's figure is the heap both hold minus the upstream's per direct session (the upstream holds one"
                + " session either way)"
                + (sessions > WARM_UP_SESSIONS
                    ? "; both paths warmed with " + WARM_UP_SESSIONS + " sessions"
                    : ""))
        .note(
            rounds
                + " measured slice(s) of "
                + slice.toMillis()
                + " ms per path and kind, alternated"
                + " direct/gateway/gateway/direct after alternating warm-up slices; each slice waits for its answers in flight")
        .note(context.options().cloudHubs().describe())
        .note(firstFailure(p, held))
        .build();
  }

  private static String firstFailure(Paths p, Held3 held) {
    for (String f :
        new String[] {
          p.gatewayLoad.firstFailure(),
          p.directLoad.firstFailure(),
          p.gatewayLatency.firstFailure(),
          p.directLatency.firstFailure(),
          held.relayed().firstFailure(),
          held.direct().firstFailure(),
          held.plain().firstFailure()
        }) {
      if (f != null) {
        return "first failure: " + f;
      }
    }
    return "no failures";
  }
}
