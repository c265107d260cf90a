package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.measure.ChildJvm;
import dev.edgetrust.bench.measure.IdleJvm;
import dev.edgetrust.bench.measure.ProcessMemory;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Resident memory ({@code VmRSS}) of one EdgeHub process — the real {@code edgehub} command in a
 * JVM of its own, with the launcher's edge flags — after it enrolled, connected and renewed its
 * certificate once, against an idle JVM started with the same flags (the floor no Java edge can go
 * below). Candidate flags, when set, are measured the same way beside the launcher's.
 */
public final class EdgeFootprintScenario implements Scenario {
  /**
   * What {@code ./edgetrust} starts {@code edgehub} with; keep the two in step. A heap that starts
   * small and stays small (-Xms8m, a 2 MiB young generation, shrunk after collections) instead of
   * one that commits 48 MiB at once, one C1 compiler thread with a small code cache, no perf-data
   * file: 13 MiB less than the flags before (docs/benchmarks.md has the others tried).
   */
  public static final List<String> LAUNCHER_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xms8m",
          "-Xmx48m",
          "-Xmn2m",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=20",
          "-Xss512k",
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:ReservedCodeCacheSize=8m",
          "-XX:MaxMetaspaceSize=64m",
          "-XX:-UsePerfData");

  /**
   * Flags to measure beside the launcher's, labelled "candidate"; the same list measures nothing
   * extra.
   */
  public static final List<String> CANDIDATE_FLAGS = LAUNCHER_FLAGS;

  static final double TARGET_MIB = 64;

  @Override
  public String name() {
    return "edge-footprint";
  }

  @Override
  public String description() {
    return "resident memory of one edgehub process after connect and one renewal (target <= 64 MiB RSS)";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    List<String> command = context.options().edgeHubCommand();
    if (command.isEmpty()) {
      throw new IllegalStateException(
          "edge-footprint needs the command that runs an EdgeHub from an edgecore.yaml"
              + " (the CLI passes its own 'edgehub --config')");
    }
    Duration ttl = context.seconds(Duration.ofSeconds(20));
    LoopbackCloud cloud =
        LoopbackCloud.prepare(
            context.workDirectory().resolve("cloud"), b -> b.edgeCertSigningDuration(ttl));
    Map<NodeName, List<String>> connected = new ConcurrentHashMap<>();
    Set<NodeName> renewed = ConcurrentHashMap.newKeySet();
    CloudHubListener listener =
        new CloudHubListener() {
          @Override
          public void onConnected(SessionInfo session) {
            connected
                .computeIfAbsent(session.node(), n -> new CopyOnWriteArrayList<>())
                .add(session.serialHex());
          }

          @Override
          public void onIssued(NodeName node, IssuedCertificate certificate, boolean renewal) {
            if (renewal) {
              renewed.add(node);
            }
          }
        };
    ScenarioResult.Builder result = ScenarioResult.measured(name());
    try (CloudHub hub = cloud.start(context.options().cloudHubs(), listener)) {
      String token = cloud.ca().mintJoinToken(Duration.ofHours(1)).value();
      List<Variant> variants = new ArrayList<>();
      variants.add(new Variant("launcher", LAUNCHER_FLAGS));
      // A smoke run (a lifetime under 10 s) measures the launcher's flags only.
      if (!CANDIDATE_FLAGS.equals(LAUNCHER_FLAGS) && ttl.compareTo(Duration.ofSeconds(10)) >= 0) {
        variants.add(new Variant("candidate", CANDIDATE_FLAGS));
      }
      for (Variant v : variants) {
        NodeName node = NodeName.of("footprint-" + v.label());
        Path dir = Files.createDirectories(context.workDirectory().resolve(node.value()));
        Path yaml = writeConfig(dir, node, hub, token);
        context.progress(
            v.label()
                + " flags: starting the edgehub, waiting for enrollment, connect and one renewal"
                + " (certificate lifetime "
                + ttl.toSeconds()
                + " s)");
        List<String> args = new ArrayList<>(command.subList(1, command.size()));
        args.add(yaml.toString());
        try (ChildJvm edge =
            context
                .childJvm("edgehub-" + v.label(), command.get(0))
                .jvmFlags(v.flags())
                .args(args)
                .start()) {
          await(() -> connected.containsKey(node), Duration.ofSeconds(60), edge, "connect");
          Thread.sleep(1000);
          ProcessMemory afterConnect = ProcessMemory.of(edge.pid());
          await(
              () ->
                  renewed.contains(node)
                      && connected.getOrDefault(node, List.of()).stream().distinct().count() >= 2,
              ttl.plusSeconds(60),
              edge,
              "renew and reconnect");
          Thread.sleep(2000);
          long max = 0;
          ProcessMemory last = null;
          for (int i = 0; i < 4; i++) {
            last = ProcessMemory.of(edge.pid());
            max = Math.max(max, last.rssKib());
            Thread.sleep(500);
          }
          ProcessMemory floor = floor(context, v);
          Figure rss =
              Figure.of(
                      v.label() + ".rss_mib",
                      v.label() + " flags: edgehub RSS after connect + renewal",
                      max / 1024.0,
                      "MiB")
                  .withTarget(Target.atMost(TARGET_MIB));
          Figure floorFigure =
              Figure.of(
                  v.label() + ".idle_jvm_rss_mib",
                  v.label() + " flags: idle JVM RSS (baseline)",
                  floor.rssMib(),
                  "MiB");
          result
              .figure(
                  v.label() + ".rss_after_connect_mib",
                  v.label() + " flags: edgehub RSS after connect",
                  afterConnect.rssMib(),
                  "MiB")
              .figure(rss)
              .figure(
                  v.label() + ".peak_rss_mib",
                  v.label() + " flags: edgehub peak RSS (VmHWM)",
                  last.peakRssMib(),
                  "MiB")
              .figure(floorFigure)
              .comparison(
                  Comparison.of(
                      v.label() + ".rss_vs_idle_jvm",
                      v.label() + " flags: edgehub / idle JVM",
                      rss,
                      floorFigure))
              .note(v.label() + " flags: " + String.join(" ", v.flags()));
        }
      }
    }
    return result
        .load(
            "separate JVM: the edgehub command itself ("
                + String.join(" ", command)
                + " <edgecore.yaml>), enrolled with a join"
                + " token against a CloudHub in this JVM; RSS read from /proc/<pid>/status")
        .note(
            "RSS sampled 4 times over 2 s, 2 s after the renewed session opened; the highest is reported")
        .build();
  }

  private record Variant(String label, List<String> flags) {}

  private static ProcessMemory floor(BenchContext context, Variant v)
      throws IOException, InterruptedException {
    try (ChildJvm idle =
        context
            .childJvm("idle-jvm-" + v.label(), IdleJvm.class.getName())
            .jvmFlags(v.flags())
            .start()) {
      idle.awaitLine("READY", Duration.ofSeconds(30));
      Thread.sleep(1000);
      return ProcessMemory.of(idle.pid());
    }
  }

  private static Path writeConfig(Path dir, NodeName node, CloudHub hub, String token)
      throws IOException {
    int ws = hub.websocketAddress().orElseThrow().getPort();
    int https = hub.bootstrapAddress().orElseThrow().getPort();
    String yaml =
        String.join(
            "\n",
            "modules:",
            "  edged:",
            "    hostnameOverride: " + node.value(),
            "  edgeHub:",
            "    enable: true",
            "    heartbeat: 15",
            "    httpServer: https://127.0.0.1:" + https,
            "    rotateCertificates: true",
            "    tlsCaFile: ca/rootCA.crt",
            "    tlsCertFile: certs/server.crt",
            "    tlsPrivateKeyFile: certs/server.key",
            "    token: " + token,
            "    websocket:",
            "      enable: true",
            "      server: 127.0.0.1:" + ws,
            "");
    Path file = dir.resolve("edgecore.yaml");
    // The token is a secret: the file is 0600, as an operator's edgecore.yaml should be.
    dev.edgetrust.credential.AtomicFile.writeSecret(file, yaml.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static void await(BooleanSupplier condition, Duration limit, ChildJvm edge, String what)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (!edge.isAlive()) {
        throw new IOException(
            "the edgehub process exited before it could " + what + edge.logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the edgehub did not " + what + " within " + limit.toSeconds() + " s" + edge.logTail());
      }
      Thread.sleep(100);
    }
  }
}
