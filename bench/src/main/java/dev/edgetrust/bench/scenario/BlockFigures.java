package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.measure.Samples;

/**
 * The block scenario's report: what {@link BlockScenario} measured (blocks, and plain disconnects
 * as the yardstick) turned into figures and a verdict.
 */
final class BlockFigures {
  private BlockFigures() {}

  /** The scenario's figures: blocks against plain disconnects, judged against its targets. */
  static ScenarioResult report(
      String scenario,
      BenchContext context,
      int sessions,
      BlockScenario.Opened opened,
      int heldAtHub,
      int sample,
      BlockOutcomes blocks,
      BlockOutcomes disconnects) {
    long[] blockClosed = blocks.sorted(blocks.closed);
    long[] blockRefused = blocks.sorted(blocks.refused);
    long[] blockCall = blocks.sorted(blocks.call);
    long[] plainClosed = disconnects.sorted(disconnects.closed);
    Figure closeP50 =
        ms(
            "block.closed_p50_ms",
            "block -> session seen closed by the client, p50",
            blockClosed,
            0.5);
    Figure closeP99 =
        ms("block.closed_p99_ms", "block -> session seen closed, p99", blockClosed, 0.99)
            .withTarget(Target.atMost(1000));
    Figure plainP50 =
        ms(
            "disconnect.closed_p50_ms",
            "plain disconnect -> session seen closed, p50 (baseline)",
            plainClosed,
            0.5);
    Figure plainP99 =
        ms(
            "disconnect.closed_p99_ms",
            "plain disconnect -> session seen closed, p99 (baseline)",
            plainClosed,
            0.99);
    return ScenarioResult.measured(scenario)
        .load(
            "same JVM, separate event loops: "
                + sessions
                + " raw Netty WebSocket clients (SharedKeyTls, one certificate per"
                + " node) on one 2-thread event loop group, keepalive every "
                + BlockScenario.HEARTBEAT.toSeconds()
                + " s; the CloudHub on its own"
                + " acceptor and worker loops; blocks and disconnects called from one bench thread, one at a time")
        .figure("sessions", "sessions open at the hub before the first block", heldAtHub, "")
        .figure("sessions_failed", "sessions that failed to open", opened.failed(), "")
        .figure("blocked", "nodes blocked", blocks.attempted, "")
        .figure(
            "block_reports_done",
            "blocks whose report was done in every step",
            blocks.reportsDone,
            "")
        .figure(closeP50)
        .figure(closeP99)
        .figure(ms("block.closed_max_ms", "block -> session seen closed, max", blockClosed, 1.0))
        .figure(
            ms(
                "block.refused_p50_ms",
                "block -> reconnect refused in the TLS handshake, p50",
                blockRefused,
                0.5))
        .figure(
            ms("block.refused_p99_ms", "block -> reconnect refused, p99", blockRefused, 0.99)
                .withTarget(Target.atMost(1000)))
        .figure(ms("block.refused_max_ms", "block -> reconnect refused, max", blockRefused, 1.0))
        .figure(
            ms(
                "block.call_p50_ms",
                "block call returned (the admin API's answer), p50",
                blockCall,
                0.5))
        .figure(ms("block.call_p99_ms", "block call returned, p99", blockCall, 0.99))
        .figure(
            Figure.of(
                    "block.reconnects_accepted",
                    "reconnects accepted after a block",
                    blocks.reconnectsAccepted,
                    "")
                .withTarget(Target.atMost(0)))
        .figure(
            "block.not_closed",
            "blocked sessions not seen closed within " + BlockScenario.PATIENCE.toSeconds() + " s",
            blocks.notClosed,
            "")
        .figure(
            "block.reconnects_failed_otherwise",
            "reconnects that failed other than by a TLS refusal",
            blocks.reconnectsOtherwiseFailed,
            "")
        .figure("disconnected", "nodes disconnected (baseline)", disconnects.attempted, "")
        .figure(plainP50)
        .figure(plainP99)
        .comparison(
            Comparison.of(
                "block_close_p50_ratio",
                "session closed p50, block / plain disconnect",
                closeP50,
                plainP50))
        .comparison(
            Comparison.of(
                "block_close_p99_ratio",
                "session closed p99, block / plain disconnect",
                closeP99,
                plainP99))
        .note(
            "every latency runs from the call (NodeAccess.block, as the admin API's POST /nodes/NAME/block runs it, without"
                + " its HTTP; or CloudHub.disconnect) to the moment the client's event loop saw the channel close or the TLS alert")
        .note(
            "a block (a) adds the node to the CA's blocklist file, (b) revokes its serials (the CA re-signs and writes its CRL"
                + " per serial), then refreshes the revocation state and sweeps the "
                + heldAtHub
                + " sessions before (c) closing"
                + " the session; the files are written with fsync, which bounds it on a slow disk")
        .note(
            sample
                + " blocked and "
                + sample
                + " disconnected nodes, spread over the "
                + sessions
                + " and interleaved"
                + " disconnect/block; the CRL grows by one serial per block, so the last block signs a CRL of "
                + sample
                + " entries")
        .note(
            "sessions opened in "
                + Figure.format(opened.seconds())
                + " s, "
                + BlockScenario.CONCURRENCY
                + " handshakes in flight; "
                + context.options().cloudHubs().describe())
        .note(
            blocks.firstProblem == null
                    && disconnects.firstProblem == null
                    && opened.firstFailure() == null
                ? "no failures"
                : "first problem: "
                    + (blocks.firstProblem != null
                        ? blocks.firstProblem
                        : disconnects.firstProblem != null
                            ? disconnects.firstProblem
                            : "opening: " + opened.firstFailure()))
        .build();
  }

  private static Figure ms(String key, String label, long[] sorted, double p) {
    return Figure.of(key, label, Samples.percentile(sorted, p) / 1e6, "ms");
  }
}
