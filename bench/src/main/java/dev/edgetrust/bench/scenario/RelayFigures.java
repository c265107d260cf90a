package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.measure.Heap;
import java.time.Duration;

/**
 * The relay scenario's report: what {@link RelayScenario} measured on each path (through the
 * gateway, direct to the upstream, the CloudHub with upstream off) turned into figures and a
 * verdict.
 */
final class RelayFigures {
  private RelayFigures() {}

  /** The scenario's figures: the gateway against the direct path, judged against its targets. */
  static ScenarioResult report(
      String scenario,
      BenchContext context,
      int sessions,
      int rounds,
      Duration slice,
      RelayScenario.Paths p,
      RelayScenario.Held3 held) {
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
    return ScenarioResult.measured(scenario)
        .load(
            "separate JVM (LoadClient, relay mode), one for the whole run: "
                + RelayScenario.LOAD_SESSIONS
                + " sessions to each path on one"
                + " 2-thread event loop group, each keeping "
                + RelayScenario.WINDOW
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
                + (sessions > RelayScenario.WARM_UP_SESSIONS
                    ? "; both paths warmed with " + RelayScenario.WARM_UP_SESSIONS + " sessions"
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

  static String firstFailure(RelayScenario.Paths p, RelayScenario.Held3 held) {
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
