package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.fixture.BareServer;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.fixture.NodeIdentities;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.HttpsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.x509.HeldCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Full mutual-TLS handshakes plus the WebSocket upgrade per second, against the CloudHub and
 * against a {@link BareServer} with the same key, certificate, trust, TLS provider and versions.
 * Rounds alternate bare, CloudHub, CloudHub, bare, ... so that a machine growing busier or quieter
 * during the run weighs on both alike.
 */
public final class HandshakeScenario implements Scenario {
  static final int CONCURRENCY = 32;
  static final int CLIENT_THREADS = 2;
  static final int DEFAULT_IDENTITIES = 64;

  /** Below this, a run is a smoke run: one slice per server, one warm-up pair. */
  static final Duration FULL_RUN = Duration.ofSeconds(4);

  static final double STEADY = 0.05;
  private static final int BARE = 0;
  private static final int HUB = 1;

  @Override
  public String name() {
    return "handshake";
  }

  @Override
  public String description() {
    return "full mTLS handshakes + WebSocket upgrade per second: CloudHub vs. a bare Netty mTLS server (target >= 0.9)";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    int identities = context.nodes(DEFAULT_IDENTITIES);
    Duration total = context.seconds(Duration.ofSeconds(10));
    boolean full = total.compareTo(FULL_RUN) >= 0;
    int roundsPerServer = full ? 2 : 1;
    Duration round = total.dividedBy(roundsPerServer);
    Duration warmupSlice = full ? Duration.ofSeconds(2) : round;
    Duration maxWarmup = full ? Duration.ofSeconds(30) : Duration.ZERO;

    LoopbackCloud cloud =
        LoopbackCloud.prepare(
            context.workDirectory().resolve("cloud"),
            b -> b.https(HttpsSettings.off()).nodeLimit(identities + CONCURRENCY + 16));
    Path idDir = Files.createDirectories(context.workDirectory().resolve("identities"));
    NodeIdentities ids = cloud.issueShared("bench-node", identities, Duration.ofDays(1));
    ids.write(idDir);

    try (CloudHub hub = cloud.start(context.options().cloudHubs(), new CloudHubListener() {})) {
      HeldCertificate serverCertificate =
          KeyCertificateView.of(
                  cloud.settings().serverKeyFile(), cloud.settings().serverCertificateFile())
              .peek()
              .orElseThrow();
      try (BareServer bare = BareServer.start(serverCertificate, List.of(cloud.caCertificate()));
          HandshakeClient client =
              HandshakeClient.start(
                  context,
                  List.of(bare.address(), hub.websocketAddress().orElseThrow()),
                  idDir,
                  CONCURRENCY,
                  CLIENT_THREADS)) {
        context.progress(
            "warming up: alternating "
                + warmupSlice.toMillis()
                + " ms slices until both servers' CPU per"
                + " handshake holds within "
                + (int) (STEADY * 100)
                + " % (at most "
                + maxWarmup.toSeconds()
                + " s)");
        Duration warmedFor = warmUp(client, BARE, HUB, warmupSlice, maxWarmup);
        SliceTotals bareTotals = new SliceTotals();
        SliceTotals hubTotals = new SliceTotals();
        context.progress(
            roundsPerServer * 2
                + " measured slices of "
                + round.toMillis()
                + " ms, bare/CloudHub/CloudHub/bare");
        for (int i = 0; i < roundsPerServer * 2; i++) {
          // ABBA: bare, hub, hub, bare, bare, hub, ...
          boolean hubTurn = (i % 4 == 1) || (i % 4 == 2);
          (hubTurn ? hubTotals : bareTotals).add(client.run(hubTurn ? HUB : BARE, round));
        }
        return result(
            context, identities, roundsPerServer, round, warmedFor, bareTotals, hubTotals);
      }
    }
  }

  /**
   * Alternates short slices against servers {@code a} and {@code b} until each one's server CPU per
   * handshake is within {@link #STEADY} of its previous slice: this JVM's JIT compiles the server
   * side for a while, and a slice measured before it settles would favour whichever server went
   * second.
   */
  static Duration warmUp(HandshakeClient client, int a, int b, Duration slice, Duration limit)
      throws Exception {
    long start = System.nanoTime();
    double lastA = Double.NaN;
    double lastB = Double.NaN;
    do {
      double x = client.run(a, slice).serverCpuMsPerHandshake();
      double y = client.run(b, slice).serverCpuMsPerHandshake();
      boolean steady = Math.abs(x - lastA) <= STEADY * x && Math.abs(y - lastB) <= STEADY * y;
      lastA = x;
      lastB = y;
      if (steady) {
        break;
      }
    } while (System.nanoTime() - start < limit.toNanos());
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private ScenarioResult result(
      BenchContext context,
      int identities,
      int rounds,
      Duration round,
      Duration warmedFor,
      SliceTotals bare,
      SliceTotals hub) {
    Figure hubRate =
        Figure.of(
            "cloudhub.handshakes_per_second", "CloudHub handshakes + upgrades", hub.rate(), "/s");
    Figure bareRate =
        Figure.of(
            "bare.handshakes_per_second",
            "bare Netty mTLS handshakes + upgrades",
            bare.rate(),
            "/s");
    Figure hubCpu =
        Figure.of(
            "cloudhub.server_cpu_ms_per_handshake",
            "CloudHub server CPU per handshake",
            hub.serverCpuMs(),
            "ms");
    Figure bareCpu =
        Figure.of(
            "bare.server_cpu_ms_per_handshake",
            "bare server CPU per handshake",
            bare.serverCpuMs(),
            "ms");
    Figure hubPerCpu =
        Figure.of(
            "cloudhub.handshakes_per_server_cpu_second",
            "CloudHub handshakes per server CPU-second",
            1000 / hub.serverCpuMs(),
            "/s");
    Figure barePerCpu =
        Figure.of(
            "bare.handshakes_per_server_cpu_second",
            "bare handshakes per server CPU-second",
            1000 / bare.serverCpuMs(),
            "/s");
    return ScenarioResult.measured(name())
        .load(
            "separate JVM (LoadClient), one for the whole run, alternating between the servers: "
                + CLIENT_THREADS
                + " event-loop threads, "
                + CONCURRENCY
                + " connections in flight, "
                + identities
                + " node certificates in turn,"
                + " JDK TLS, no session resumption; a connection is reset (SO_LINGER 0) as soon as the upgrade is answered")
        .figure(hubRate)
        .figure(bareRate)
        .figure(hubCpu)
        .figure(bareCpu)
        .figure(hubPerCpu)
        .figure(barePerCpu)
        .figure(
            "client.cpu_share",
            "client's share of the CPU both sides used (CloudHub rounds)",
            hub.clientShare() * 100,
            "%")
        .figure("cloudhub.failures", "failed handshakes/upgrades, CloudHub", hub.failures, "")
        .figure("bare.failures", "failed handshakes/upgrades, bare", bare.failures, "")
        .comparison(
            Comparison.of(
                    "handshake_rate_ratio", "handshake rate, CloudHub / bare", hubRate, bareRate)
                .withTarget(Target.atLeast(0.9)))
        .comparison(
            Comparison.of(
                    "server_cpu_rate_ratio",
                    "handshakes per server CPU-second, CloudHub / bare",
                    hubPerCpu,
                    barePerCpu)
                .withTarget(Target.atLeast(0.9)))
        .note(
            "per round, handshakes/s (server CPU ms per handshake): CloudHub "
                + hub.perRound()
                + "; bare "
                + bare.perRound())
        .note(
            "the wall-clock rate moves with whatever else runs on the machine; per server CPU-second it does not:"
                + " where the two ratios disagree, trust the second")
        .note(
            "negotiated: CloudHub "
                + String.join(", ", hub.negotiated)
                + "; bare "
                + String.join(", ", bare.negotiated))
        .note(context.options().cloudHubs().describe())
        .note(
            rounds
                + " measured slice(s) of "
                + round.toMillis()
                + " ms per server, alternated bare/CloudHub/CloudHub/bare,"
                + " after "
                + warmedFor.toMillis()
                + " ms of alternating warm-up slices (not counted); each slice ends by"
                + " waiting for the connections in flight, so no server's work spills into the other's slice")
        .note(
            "client and servers share this machine's "
                + Runtime.getRuntime().availableProcessors()
                + " cores: the rate is bounded by both sides' crypto; server CPU per handshake is the client-independent figure")
        .note(
            hub.firstFailure == null && bare.firstFailure == null
                ? "no failures"
                : "first failure: "
                    + (hub.firstFailure != null
                        ? "CloudHub: " + hub.firstFailure
                        : "bare: " + bare.firstFailure))
        .build();
  }
}
