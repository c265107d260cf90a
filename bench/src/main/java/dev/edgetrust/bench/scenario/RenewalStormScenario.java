package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.load.WebSocketDialer;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.edgehub.channel.ClientTls;
import dev.edgetrust.edgehub.enrollment.Enrollment;
import dev.edgetrust.edgehub.enrollment.EnrollmentException;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.edgehub.enrollment.RenewalWindow;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * N nodes whose certificates were all issued in the same second, so that all reach their renewal
 * window together. Each node renews as an EdgeHub does — at the point {@link RenewalWindow#DEFAULT}
 * picks (70–90 % of the lifetime), through the real {@link Enrollment#renew} ({@code GET /edge.crt}
 * over HTTPS, authorized by the current certificate, a new key, the answer checked and written
 * atomically) — then opens a session on the new certificate with the EdgeHub's own TLS context
 * ({@link ClientTls}) and drops the old one. The CloudHub counts the renewals it signs.
 */
public final class RenewalStormScenario implements Scenario {
  static final int DEFAULT_NODES = 500;

  /** Each EdgeHub renews on a thread of its own; this many stand in for N of them. */
  static final int RENEWAL_THREADS = 64;

  static final int CONNECT_CONCURRENCY = 64;

  @Override
  public String name() {
    return "renewal-storm";
  }

  @Override
  public String description() {
    return "N nodes reach their renewal window together: spread by jitter, failed handshakes (target 0), peak renewals/s";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    int n = context.nodes(DEFAULT_NODES);
    Duration span = context.seconds(Duration.ofSeconds(60));
    // The built-in CA back-dates by a tenth of the lifetime, so the 70-90 % window falls at
    // 0.67-0.89 of the TTL after issue: a TTL of span/0.9 ends the window within the span.
    Duration ttl = span.multipliedBy(10).dividedBy(9);
    if (ttl.compareTo(Duration.ofSeconds(3)) < 0) {
      ttl = Duration.ofSeconds(3);
    }
    Duration heartbeat =
        ttl.dividedBy(3).compareTo(Duration.ofSeconds(10)) < 0
            ? ttl.dividedBy(3)
            : Duration.ofSeconds(10);
    Duration finalTtl = ttl;
    LoopbackCloud cloud =
        LoopbackCloud.prepare(
            context.workDirectory().resolve("cloud"),
            b -> b.edgeCertSigningDuration(finalTtl).nodeLimit(n + 16));
    double capacity =
        caSigningRate(
            cloud,
            span.compareTo(Duration.ofSeconds(10)) < 0
                ? Duration.ofMillis(300)
                : Duration.ofSeconds(1));

    ConcurrentLinkedQueue<Long> renewalsSigned = new ConcurrentLinkedQueue<>();
    CloudHubListener listener =
        new CloudHubListener() {
          @Override
          public void onIssued(NodeName node, IssuedCertificate certificate, boolean renewal) {
            if (renewal) {
              renewalsSigned.add(System.nanoTime());
            }
          }
        };
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(daemon("bench-renewal-clock"));
    ExecutorService renewers =
        Executors.newFixedThreadPool(RENEWAL_THREADS, daemon("bench-renewal"));
    try (CloudHub hub = cloud.start(context.options().cloudHubs(), listener)) {
      InetSocketAddress ws = hub.websocketAddress().orElseThrow();
      URI bootstrap =
          URI.create("https://127.0.0.1:" + hub.bootstrapAddress().orElseThrow().getPort());
      WebSocketDialer dialer = new WebSocketDialer(group, ws, heartbeat, false);

      context.progress(
          "issuing "
              + n
              + " certificates (lifetime "
              + ttl.toMillis()
              + " ms) and opening "
              + n
              + " sessions");
      List<Node> nodes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        NodeName name = NodeName.of("storm-node-" + i);
        Path dir = context.workDirectory().resolve("nodes").resolve(name.value());
        HeldCertificate held = cloud.issue(name, Keys.newP256(), ttl);
        Enrollment enrollment =
            new Enrollment(
                bootstrap,
                name,
                dir.resolve("ca/rootCA.crt"),
                new dev.edgetrust.credential.KeyCertificateFiles(
                    dir.resolve("certs/server.key"), dir.resolve("certs/server.crt")),
                Duration.ofSeconds(30));
        nodes.add(new Node(name, enrollment, new NodeCredentials(held, cloud.caCertificate())));
      }
      RenewalStormTally counters = new RenewalStormTally();
      Semaphore window = new Semaphore(CONNECT_CONCURRENCY);
      for (Node node : nodes) {
        window.acquire();
        connect(dialer, ws, node, node.current)
            .whenComplete(
                (ch, e) -> {
                  if (e == null) {
                    node.channel = ch;
                  } else {
                    counters.failedHandshakes.incrementAndGet();
                    counters.firstFailure.compareAndSet(null, node.name + ": first session: " + e);
                  }
                  window.release();
                });
      }
      window.acquire(CONNECT_CONCURRENCY);
      window.release(CONNECT_CONCURRENCY);

      HeldCertificate first = nodes.get(0).current.held();
      double windowSeconds =
          Duration.between(first.notBefore(), first.notAfter()).toMillis()
              / 1000.0
              * (RenewalWindow.DEFAULT.to() - RenewalWindow.DEFAULT.from());
      CountDownLatch finished = new CountDownLatch(n);
      RandomGenerator random = RandomGenerator.getDefault();
      Instant latest = Instant.now();
      for (Node node : nodes) {
        HeldCertificate held = node.current.held();
        Instant at = RenewalWindow.DEFAULT.pick(held.notBefore(), held.notAfter(), random);
        latest = at.isAfter(latest) ? at : latest;
        long delay = Math.max(0, Duration.between(Instant.now(), at).toMillis());
        scheduler.schedule(
            () -> {
              long now = System.nanoTime();
              counters.due.add(now);
              renewers.execute(() -> renew(dialer, ws, node, now, counters, finished));
            },
            delay,
            TimeUnit.MILLISECONDS);
      }
      context.progress(
          "renewals scheduled between now and "
              + Duration.between(Instant.now(), latest).toMillis()
              + " ms from now (window "
              + Figure.format(windowSeconds)
              + " s wide)");
      boolean all =
          finished.await(
              Duration.between(Instant.now(), latest).toMillis() + 60_000, TimeUnit.MILLISECONDS);

      Map<NodeName, String> atHub =
          hub.sessions().stream()
              .collect(Collectors.toMap(SessionInfo::node, SessionInfo::serialHex));
      long onNew =
          nodes.stream()
              .filter(
                  x -> x.renewed && Objects.equals(atHub.get(x.name), x.current.held().serialHex()))
              .count();
      nodes.forEach(
          x -> {
            if (x.channel != null) {
              x.channel.close();
            }
          });
      return counters.report(name(), n, ttl, capacity, windowSeconds, renewalsSigned, onNew, all);
    } finally {
      scheduler.shutdownNow();
      renewers.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** One node: its credentials and its current session. */
  private static final class Node {
    final NodeName name;
    final Enrollment enrollment;
    volatile NodeCredentials current;
    volatile Channel channel;
    volatile boolean renewed;

    Node(NodeName name, Enrollment enrollment, NodeCredentials current) {
      this.name = name;
      this.enrollment = enrollment;
      this.current = current;
    }
  }

  private static java.util.concurrent.CompletableFuture<Channel> connect(
      WebSocketDialer dialer, InetSocketAddress ws, Node node, NodeCredentials credentials) {
    SslContext tls;
    try {
      tls = ClientTls.context(credentials);
    } catch (javax.net.ssl.SSLException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    return dialer.open(
        node.name, ch -> tls.newHandler(ch.alloc(), ws.getHostString(), ws.getPort()), null);
  }

  private static void renew(
      WebSocketDialer dialer,
      InetSocketAddress ws,
      Node node,
      long due,
      RenewalStormTally counters,
      CountDownLatch finished) {
    try {
      NodeCredentials next = node.enrollment.renew(node.current);
      Channel fresh;
      try {
        fresh = connect(dialer, ws, node, next).get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        counters.failedHandshakes.incrementAndGet();
        counters.firstFailure.compareAndSet(
            null, node.name + ": session on the renewed certificate: " + e);
        return;
      }
      Channel old = node.channel;
      node.current = next;
      node.channel = fresh;
      node.renewed = true;
      if (old != null) {
        old.close();
      }
      counters.renewed.incrementAndGet();
      counters.latencies.add(System.nanoTime() - due);
    } catch (EnrollmentException e) {
      counters.failedRenewals.incrementAndGet();
      if (e.getMessage().startsWith("TLS")) {
        counters.failedHandshakes.incrementAndGet();
      }
      if (node.current.isExpiredAt(Instant.now())) {
        // Queued behind other renewals until its certificate ran out: the CloudHub refuses an
        // expired certificate, and a real EdgeHub would enroll again with its join token.
        counters.expiredWaiting.incrementAndGet();
      }
      counters.firstFailure.compareAndSet(null, node.name + ": renewal: " + e.getMessage());
    } catch (RuntimeException e) {
      counters.failedRenewals.incrementAndGet();
      counters.firstFailure.compareAndSet(null, node.name + ": renewal: " + e);
    } finally {
      finished.countDown();
    }
  }

  /** The built-in CA's single-thread signing rate, measured here as the storm's yardstick. */
  private static double caSigningRate(LoopbackCloud cloud, Duration d) throws Exception {
    NodeName node = NodeName.of("capacity-probe");
    SigningRequest request =
        SigningRequest.forNode(
            node,
            Csr.create(Keys.newP256(), node.subject()),
            EnumSet.of(CertificateUsage.CLIENT_AUTH),
            Duration.ofHours(1));
    for (int i = 0; i < 50; i++) {
      cloud.ca().sign(request);
    }
    long start = System.nanoTime();
    long end = start + d.toNanos();
    long count = 0;
    long now;
    do {
      cloud.ca().sign(request);
      count++;
      now = System.nanoTime();
    } while (now < end);
    return count * 1e9 / (now - start);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
