package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.measure.FileDescriptors;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.HttpsSettings;
import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import dev.edgetrust.standin.CloudcoreCredentials;
import dev.edgetrust.standin.CloudcoreStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
                  b.https(HttpsSettings.off())
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
              work.resolve("plain"),
              b -> b.https(HttpsSettings.off()).nodeLimit(names + WARM_UP_SESSIONS));
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
        return RelayFigures.report(
            name(),
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
  record Held3(
      SessionsScenario.Held direct, SessionsScenario.Held relayed, SessionsScenario.Held plain) {}

  /** The slices of each path and kind. */
  static final class Paths {
    final RelaySliceTotals directLoad = new RelaySliceTotals();
    final RelaySliceTotals gatewayLoad = new RelaySliceTotals();
    final RelaySliceTotals directLatency = new RelaySliceTotals();
    final RelaySliceTotals gatewayLatency = new RelaySliceTotals();
  }
}
