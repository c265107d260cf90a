package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.fixture.NodeIdentities;
import dev.edgetrust.bench.load.SharedKeyTls;
import dev.edgetrust.bench.load.WebSocketDialer;
import dev.edgetrust.bench.measure.FileDescriptors;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.HttpsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.pki.NodeName;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * How fast a block takes a node off the CloudHub: with N authenticated sessions open, nodes are
 * blocked one after another through {@code NodeAccess.block} — what {@code POST /nodes/NAME/block}
 * on the admin API runs — and each node's client records when it sees its session close, then dials
 * again at once with the same certificate and records when that handshake is refused. The baseline,
 * interleaved with the blocks on other nodes of the same client, is {@link CloudHub#disconnect}:
 * the session closed without blocking anything.
 */
public final class BlockScenario implements Scenario {
  static final int DEFAULT_SESSIONS = 1_000;

  /**
   * Blocked nodes (and as many disconnected ones); 100 keep a 1,000-session run near half a minute.
   */
  static final int SAMPLE = 100;

  static final int CONCURRENCY = 64;
  static final Duration HEARTBEAT = Duration.ofSeconds(10);
  static final Duration PATIENCE = Duration.ofSeconds(10);

  /** Both ends of every session are in this JVM; leave this many descriptors for the rest. */
  static final int SPARE_DESCRIPTORS = 256;

  @Override
  public String name() {
    return "block";
  }

  @Override
  public String description() {
    return "block -> session closed and -> reconnect refused (p50/p99) with N sessions (default 1,000; target p99 < 1 s),"
        + " vs. a plain disconnect";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    int sessions = context.nodes(DEFAULT_SESSIONS);
    if (sessions < 2) {
      throw new IllegalArgumentException(
          "block needs at least 2 sessions (--nodes): one to block, one to disconnect as the baseline");
    }
    long limit = FileDescriptors.limit();
    if (limit > 0 && 2L * sessions + SPARE_DESCRIPTORS > limit) {
      throw new IllegalStateException(
          sessions
              + " sessions with their clients in this JVM need about "
              + (2L * sessions + SPARE_DESCRIPTORS)
              + " file descriptors, but it may open "
              + limit
              + " (ulimit -n); lower --nodes or raise the limit");
    }
    int sample = Math.min(SAMPLE, sessions / 2);

    LoopbackCloud cloud =
        LoopbackCloud.prepare(
            context.workDirectory().resolve("cloud"),
            b -> b.https(HttpsSettings.off()).nodeLimit(sessions + 16));
    context.progress("signing " + sessions + " node certificates");
    NodeIdentities ids = cloud.issueShared("bench-node", sessions, Duration.ofDays(1));
    SharedKeyTls tls = new SharedKeyTls(ids);
    AtomicInteger atHub = new AtomicInteger();
    CloudHubListener counting =
        new CloudHubListener() {
          @Override
          public void onConnected(SessionInfo session) {
            atHub.incrementAndGet();
          }

          @Override
          public void onDisconnected(SessionInfo session) {
            atHub.decrementAndGet();
          }
        };
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    Channel[] channels = new Channel[sessions];
    try (CloudHub hub = cloud.start(context.options().cloudHubs(), counting)) {
      WebSocketDialer dialer =
          new WebSocketDialer(group, hub.websocketAddress().orElseThrow(), HEARTBEAT, false);
      context.progress("opening " + sessions + " sessions");
      Opened opened = open(dialer, tls, channels);
      awaitAtHub(atHub, opened.established, Duration.ofSeconds(30));
      int heldAtHub = atHub.get();

      context.progress(
          "blocking "
              + sample
              + " nodes one after another, each after a plain disconnect of another node");
      BlockOutcomes blocks = new BlockOutcomes();
      BlockOutcomes disconnects = new BlockOutcomes();
      int stride = sessions / sample;
      for (int k = 0; k < sample; k++) {
        int plain = k * stride;
        int blocked = plain + 1;
        disconnect(hub, tls, channels, plain, disconnects);
        block(hub, dialer, tls, channels, blocked, blocks);
      }
      return BlockFigures.report(
          name(), context, sessions, opened, heldAtHub, sample, blocks, disconnects);
    } finally {
      for (Channel c : channels) {
        if (c != null) {
          c.close();
        }
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** How opening the sessions went. */
  record Opened(int established, int failed, double seconds, String firstFailure) {}

  private static Opened open(WebSocketDialer dialer, SharedKeyTls tls, Channel[] channels)
      throws InterruptedException {
    Semaphore window = new Semaphore(CONCURRENCY);
    AtomicInteger established = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    long start = System.nanoTime();
    for (int i = 0; i < channels.length; i++) {
      window.acquire();
      int node = i;
      dialer
          .open(tls.identities().node(node), ch -> tls.handler(ch, node), null)
          .whenComplete(
              (ch, error) -> {
                if (error == null) {
                  channels[node] = ch;
                  established.incrementAndGet();
                } else {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, String.valueOf(error));
                }
                window.release();
              });
    }
    window.acquire(CONCURRENCY);
    return new Opened(
        established.get(), failed.get(), (System.nanoTime() - start) / 1e9, firstFailure.get());
  }

  private static void awaitAtHub(AtomicInteger atHub, int count, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (atHub.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static void disconnect(
      CloudHub hub, SharedKeyTls tls, Channel[] channels, int node, BlockOutcomes out)
      throws InterruptedException {
    Channel channel = channels[node];
    if (channel == null) {
      return;
    }
    out.attempted++;
    CompletableFuture<Long> closed = closedAt(channel);
    long t0 = System.nanoTime();
    hub.disconnect(tls.identities().node(node), "bench: plain disconnect");
    out.call.add(System.nanoTime() - t0);
    awaitClose(closed, t0, tls.identities().node(node), out);
  }

  private static void block(
      CloudHub hub,
      WebSocketDialer dialer,
      SharedKeyTls tls,
      Channel[] channels,
      int node,
      BlockOutcomes out)
      throws InterruptedException {
    Channel channel = channels[node];
    if (channel == null) {
      return;
    }
    out.attempted++;
    NodeName name = tls.identities().node(node);
    CompletableFuture<Long> closed = closedAt(channel);
    // As an EdgeHub does, the node dials again as soon as it sees its session end.
    CompletableFuture<Redial> reconnect = closed.thenCompose(at -> redial(dialer, tls, node));
    long t0 = System.nanoTime();
    BlockReport report = hub.nodeAccess().block(name, "bench");
    out.call.add(System.nanoTime() - t0);
    if (report.succeeded()) {
      out.reportsDone++;
    } else {
      out.problem(name + ": block " + report.outcome().word() + ": " + report.steps());
    }
    if (!awaitClose(closed, t0, name, out)) {
      return;
    }
    try {
      Redial redial = reconnect.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      if (redial.failure() == null) {
        out.reconnectsAccepted++;
        out.problem(name + ": reconnect after the block was accepted");
      } else if (isTlsRefusal(redial.failure())) {
        out.refused.add(redial.at() - t0);
      } else {
        out.reconnectsOtherwiseFailed++;
        out.problem(
            name
                + ": reconnect after the block failed other than by a TLS refusal: "
                + redial.failure());
      }
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      out.reconnectsOtherwiseFailed++;
      out.problem(
          name + ": reconnect after the block: no answer within " + PATIENCE.toSeconds() + " s");
    }
  }

  /** Completes with the nanoTime at which the client saw {@code channel} close. */
  private static CompletableFuture<Long> closedAt(Channel channel) {
    CompletableFuture<Long> closed = new CompletableFuture<>();
    channel.closeFuture().addListener(f -> closed.complete(System.nanoTime()));
    return closed;
  }

  private static boolean awaitClose(
      CompletableFuture<Long> closed, long t0, NodeName node, BlockOutcomes out)
      throws InterruptedException {
    try {
      out.closed.add(closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS) - t0);
      return true;
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      out.notClosed++;
      out.problem(node + ": session not seen closed within " + PATIENCE.toSeconds() + " s");
      return false;
    }
  }

  /**
   * How a redial ended: {@code failure} null if it was accepted; {@code at} when the client saw it
   * end.
   */
  private record Redial(Throwable failure, long at) {}

  private static CompletableFuture<Redial> redial(
      WebSocketDialer dialer, SharedKeyTls tls, int node) {
    CompletableFuture<Redial> done = new CompletableFuture<>();
    dialer
        .open(tls.identities().node(node), ch -> tls.handler(ch, node), null)
        .whenComplete(
            (ch, error) -> {
              long at = System.nanoTime();
              if (error == null) {
                ch.close();
              }
              done.complete(new Redial(error, at));
            });
    return done;
  }

  /** The server refused the handshake: a TLS alert (the client's certificate was rejected). */
  private static boolean isTlsRefusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }
}
