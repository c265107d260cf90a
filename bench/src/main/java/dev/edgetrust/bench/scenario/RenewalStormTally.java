package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.measure.Samples;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a renewal storm counts while it runs (from many threads at once: every field is atomic or
 * concurrent) and the report made of it afterwards: the driving lives in {@link
 * RenewalStormScenario}, the arithmetic and the verdict here.
 */
final class RenewalStormTally {
  final AtomicInteger renewed = new AtomicInteger();
  final AtomicInteger failedRenewals = new AtomicInteger();
  final AtomicInteger expiredWaiting = new AtomicInteger();
  final ConcurrentLinkedQueue<Long> due = new ConcurrentLinkedQueue<>();
  final AtomicInteger failedHandshakes = new AtomicInteger();
  final AtomicReference<String> firstFailure = new AtomicReference<>();
  final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

  /** The scenario's figures from what was counted, judged against its targets. */
  ScenarioResult report(
      String scenario,
      int n,
      Duration ttl,
      double capacity,
      double windowSeconds,
      ConcurrentLinkedQueue<Long> signed,
      long onNew,
      boolean allFinished) {
    long[] times = signed.stream().mapToLong(Long::longValue).sorted().toArray();
    double spread = times.length < 2 ? 0 : (times[times.length - 1] - times[0]) / 1e9;
    int peak = Samples.peakPerSecond(times);
    int duePeak = Samples.peakPerSecond(due.stream().mapToLong(Long::longValue).sorted().toArray());
    long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    Figure peakFigure =
        Figure.of(
            "peak_renewals_per_second",
            "peak renewals signed in any 1 s (CloudHub's count)",
            peak,
            "/s");
    Figure even =
        Figure.of(
            "even_renewals_per_second",
            "renewals per second if spread evenly over the window",
            n / windowSeconds,
            "/s");
    Figure dueFigure =
        Figure.of(
            "peak_renewals_due_per_second",
            "peak renewals falling due in any 1 s (the jitter's doing)",
            duePeak,
            "/s");
    Figure cap =
        Figure.of(
            "ca.single_thread_signing_per_second",
            "built-in CA signing rate, one thread (baseline)",
            capacity,
            "/s");
    int handshakesFailed = failedHandshakes.get();
    return ScenarioResult.measured(scenario)
        .load(
            "same JVM: "
                + n
                + " light nodes (real Enrollment.renew over HTTPS, ClientTls, WebSocket sessions on one 2-thread"
                + " event loop group), "
                + RenewalStormScenario.RENEWAL_THREADS
                + " renewal threads; each node's renewal time from RenewalWindow.DEFAULT")
        .figure(
            "renewals", "renewals completed (signed, stored, new session open)", renewed.get(), "")
        .figure(
            Figure.of("failed_renewals", "failed renewals", failedRenewals.get(), "")
                .withTarget(Target.atMost(0)))
        .figure(
            "expired_while_queued",
            "  of which: certificate expired while the renewal queued",
            expiredWaiting.get(),
            "")
        .figure(
            Figure.of(
                    "failed_handshakes",
                    "failed handshakes (bootstrap HTTPS or WebSocket)",
                    handshakesFailed,
                    "")
                .withTarget(Target.atMost(0)))
        .figure(
            "sessions_on_new_certificate",
            "nodes whose session at the hub carries the renewed serial",
            onNew,
            "")
        .figure(dueFigure)
        .figure(even)
        .figure(peakFigure)
        .figure("spread_seconds", "first to last renewal", spread, "s")
        .figure("window_seconds", "renewal window (20 % of the lifetime)", windowSeconds, "s")
        .figure(
            "latency_p50_ms",
            "renewal latency p50 (due -> new session open)",
            Samples.percentile(lat, 0.5) / 1e6,
            "ms")
        .figure("latency_p99_ms", "renewal latency p99", Samples.percentile(lat, 0.99) / 1e6, "ms")
        .figure(cap)
        .comparison(
            Comparison.of(
                "due_peak_vs_even",
                "due peak / even spread (1.0 = perfectly even)",
                dueFigure,
                even))
        .comparison(
            Comparison.of(
                "signed_peak_vs_due_peak",
                "signed peak / due peak (< 1: renewals queued)",
                peakFigure,
                dueFigure))
        .comparison(
            Comparison.of(
                "peak_vs_ca", "signed peak / CA single-thread signing rate", peakFigure, cap))
        .note(
            "certificate lifetime "
                + ttl.toMillis()
                + " ms, all "
                + n
                + " issued together; the CloudHub signs on its pool of 2")
        .note(
            allFinished
                ? "every node finished its renewal"
                : "NOT every node finished within the deadline")
        .note(firstFailure.get() == null ? "no failures" : "first failure: " + firstFailure.get())
        .build();
  }
}
