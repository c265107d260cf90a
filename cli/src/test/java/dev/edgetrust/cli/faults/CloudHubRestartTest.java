package dev.edgetrust.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.HttpsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.edgehub.Backoff;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The CloudHub restarted under a thousand live sessions: a thousand real EdgeHubs (mutual TLS,
 * WebSocket, keepalives) on one shared event loop group, a real CloudHub with the built-in CA; the
 * CloudHub stops and a new one starts on the same port with the same CA and server credentials.
 * Every node must come back, and the nodes must have chosen their reconnect moments at random (full
 * jitter), so that they do not all come back in the same instant.
 *
 * <p>How fast they come back is the bench's business, not this test's: on a machine shared with
 * other builds a thousand handshakes may take minutes. The test waits on what it observes — the
 * count of nodes back — and fails only when that count stops moving for a whole {@link #STALL}.
 *
 * <p>Node count: {@code -Dedgetrust.restart.nodes} (default 1000).
 */
class CloudHubRestartTest {
  private static final int NODES = Integer.getInteger("edgetrust.restart.nodes", 1000);

  /**
   * How long the count of nodes back may stand still before the test calls it a stall: twice the
   * longest wait a node's backoff can draw ({@link Backoff#DEFAULT_CAP}), so that even the last
   * node, after several refused attempts, has had its turn.
   */
  private static final Duration STALL = Backoff.DEFAULT_CAP.multipliedBy(2);

  private static final long BUCKET_MILLIS = 100;
  private static final Pattern RECONNECT_DELAY =
      Pattern.compile("^node (\\S+): .*; reconnecting in (\\d+) ms$");

  @TempDir Path dir;

  /** Counts (re)connections per 100 ms since {@link #origin}. */
  private static final class Arrivals implements CloudHubListener {
    final Set<NodeName> connected = ConcurrentHashMap.newKeySet();
    final ConcurrentMap<Long, AtomicInteger> perBucket = new ConcurrentHashMap<>();
    volatile long origin = System.nanoTime();

    @Override
    public void onConnected(SessionInfo session) {
      connected.add(session.node());
      long bucket = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin) / BUCKET_MILLIS;
      perBucket.computeIfAbsent(bucket, b -> new AtomicInteger()).incrementAndGet();
    }
  }

  @Test
  void cloudHubRestartedUnderAThousandSessions_everyNodeComesBack_atJitteredMoments()
      throws Exception {
    CloudHubSettings first =
        CloudHubSettings.loopback(dir.resolve("cloud")).toBuilder()
            .https(HttpsSettings.off())
            .nodeLimit(NODES * 2)
            .build();
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(first.caCertificateFile(), first.caKeyFile()), Clock.systemUTC());
    EventLoopGroup edgeLoops =
        new MultiThreadIoEventLoopGroup(
            2, new DefaultThreadFactory("edges"), NioIoHandler.newFactory());
    // A thousand EdgeHubs would print a few thousand INFO lines; keep the test's own output
    // readable.
    Logger edgeLog = (Logger) LoggerFactory.getLogger("dev.edgetrust.edgehub");
    Level edgeLevel = edgeLog.getLevel();
    edgeLog.setLevel(Level.WARN);
    edgeLog.setAdditive(false);
    List<EdgeHub> edges = new ArrayList<>();
    Arrivals before = new Arrivals();
    CloudHub cloud = CloudHub.start(first, ca, before, Clock.systemUTC());
    try (LogCapture logs = LogCapture.attach()) {
      edgeLog.addAppender(logs);
      int port = cloud.websocketAddress().orElseThrow().getPort();
      long setUp = System.nanoTime();
      List<EdgeHubSettings> provisioned = provision(ca, port);
      long provisionedAt = System.nanoTime();
      for (EdgeHubSettings settings : provisioned) {
        edges.add(EdgeHub.builder(settings).eventLoopGroup(edgeLoops).build());
      }
      // Start in parallel: each start reads and checks its files and builds a TLS context.
      edges.parallelStream()
          .forEach(
              edge -> {
                try {
                  edge.start();
                } catch (Exception e) {
                  throw new AssertionError(
                      edge.settings().nodeName() + " did not start: " + e.getMessage(), e);
                }
              });
      long startedAt = System.nanoTime();
      awaitProgress("nodes connected", before.connected::size);
      System.out.printf(
          "%d EdgeHubs: credentials written in %d ms, started in %d ms, all connected %d ms later%n",
          NODES,
          TimeUnit.NANOSECONDS.toMillis(provisionedAt - setUp),
          TimeUnit.NANOSECONDS.toMillis(startedAt - provisionedAt),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));

      // The restart: same port, same CA, same server key and certificate (on disk under the same
      // directory; the new CloudHub loads them rather than issuing new ones).
      String serverSerial = cloud.serverCertificate().getSerialNumber().toString(16);
      Arrivals after = new Arrivals();
      long restart = System.nanoTime();
      after.origin = restart;
      cloud.close();
      cloud =
          CloudHub.start(
              first.toBuilder().websocket(first.websocket().withPort(port)).build(),
              ca,
              after,
              Clock.systemUTC());
      long upAgain = System.nanoTime();
      assertThat(cloud.serverCertificate().getSerialNumber().toString(16)).isEqualTo(serverSerial);

      CloudHub restarted = cloud;
      awaitProgress("nodes back after the restart", after.connected::size);
      awaitProgress("live sessions after the restart", () -> restarted.sessions().size());
      long allBack = System.nanoTime();
      awaitProgress(
          "EdgeHubs that see themselves connected",
          () ->
              (int)
                  edges.stream()
                      .filter(e -> e.status().state() == ConnectionState.CONNECTED)
                      .count());

      // No node left behind: exactly the thousand names, each with a live session.
      Set<NodeName> expected = new java.util.HashSet<>();
      edges.forEach(e -> expected.add(e.settings().nodeName()));
      assertThat(after.connected).isEqualTo(expected);
      assertThat(restarted.sessions()).hasSize(NODES);

      // Jitter, judged by what the nodes decided rather than by when the server happened to
      // finish their handshakes (a thousand handshakes on two cores take longer than 100 ms
      // whether or not the nodes spread themselves out): each node's first wait after losing
      // the CloudHub is drawn from [0, 1 s].
      Map<String, Long> firstWait = new HashMap<>();
      for (String line : logs.lines(Level.WARN, "reconnecting in")) {
        Matcher m = RECONNECT_DELAY.matcher(line);
        if (m.matches()) {
          firstWait.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
        }
      }
      assertThat(firstWait).hasSize(NODES);
      long ceiling = Backoff.DEFAULT_BASE.toMillis();
      assertThat(firstWait.values()).allSatisfy(w -> assertThat(w).isBetween(0L, ceiling));
      long distinct = firstWait.values().stream().distinct().count();
      long spread =
          firstWait.values().stream().mapToLong(Long::longValue).max().orElseThrow()
              - firstWait.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      // Without jitter every node would wait the same time: one distinct value, no spread.
      assertThat(distinct).as("distinct first waits").isGreaterThan(NODES / 10);
      assertThat(spread).as("spread of the first waits, ms").isGreaterThan(ceiling / 2);

      TreeMap<Long, Integer> histogram = new TreeMap<>();
      after.perBucket.forEach((b, n) -> histogram.put(b, n.get()));
      Map.Entry<Long, Integer> peak =
          histogram.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
      System.out.printf(
          "CloudHub restart under %d sessions: down for %d ms (close + start), all %d back %d ms after the stop;"
              + " peak %d reconnects in one 100 ms bucket (%d/s) at +%d ms; %d buckets used; first waits %d distinct,"
              + " spread %d ms%n",
          NODES,
          TimeUnit.NANOSECONDS.toMillis(upAgain - restart),
          NODES,
          TimeUnit.NANOSECONDS.toMillis(allBack - restart),
          peak.getValue(),
          peak.getValue() * (1000 / BUCKET_MILLIS),
          peak.getKey() * BUCKET_MILLIS,
          histogram.size(),
          distinct,
          spread);
      System.out.println("reconnects per 100 ms bucket (ms since the stop -> count): " + histogram);
    } finally {
      edges.parallelStream().forEach(EdgeHub::close);
      cloud.close();
      edgeLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      edgeLog.setAdditive(true);
      edgeLog.setLevel(edgeLevel);
      edgeLog.detachAppender("fault-capture");
    }
  }

  /**
   * Waits until {@code count} reaches {@link #NODES}, however long that takes, as long as it keeps
   * moving: each {@link #STALL} must see it rise. A wall-clock bound on the whole would measure the
   * machine, not the CloudHub.
   */
  private static void awaitProgress(String what, IntSupplier count) {
    int seen = count.getAsInt();
    while (seen < NODES) {
      int from = seen;
      await()
          .alias(what + ": stuck at " + from + " of " + NODES + " for " + STALL.toSeconds() + " s")
          .atMost(STALL)
          .until(() -> count.getAsInt() > from);
      seen = count.getAsInt();
    }
    assertThat(seen).as(what).isEqualTo(NODES);
  }

  /**
   * Credentials for every node, signed by the CA directly as /edge.crt would (one key for all: a
   * thousand P-256 keys would cost set-up time and prove nothing more), written where each EdgeHub
   * reads them at start.
   */
  private List<EdgeHubSettings> provision(BuiltinCa ca, int port) throws Exception {
    KeyPair keys = Keys.newP256();
    byte[] key = Pem.privateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    byte[] caPem = Pem.certificate(ca.caCertificate()).getBytes(StandardCharsets.US_ASCII);
    Csr csr = Csr.create(keys, NodeName.of("restart-0").subject());
    List<EdgeHubSettings> all = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      NodeName node = NodeName.of("restart-" + i);
      X509Certificate certificate =
          ca.sign(
                  SigningRequest.forNode(
                      node, csr, EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofDays(1)))
              .certificate();
      EdgeHubSettings settings =
          EdgeHubSettings.builder(
                  node,
                  new ServerAddress("127.0.0.1", port),
                  URI.create("https://127.0.0.1:10002"),
                  dir.resolve("nodes/" + i))
              .build();
      Files.createDirectories(settings.caFile().getParent());
      Files.createDirectories(settings.certificateFile().getParent());
      Files.write(settings.caFile(), caPem);
      dev.edgetrust.credential.AtomicFile.writeSecret(settings.privateKeyFile(), key);
      Files.write(
          settings.certificateFile(),
          Pem.certificate(certificate).getBytes(StandardCharsets.US_ASCII));
      all.add(settings);
    }
    return all;
  }
}
