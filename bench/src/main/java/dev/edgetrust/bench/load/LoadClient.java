package dev.edgetrust.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.bench.fixture.NodeIdentities;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load client, run in a JVM of its own so that its heap, file descriptors and CPU time are not
 * counted as the server's. It speaks to the bench on stdout, one prefixed line per event:
 *
 * <ul>
 *   <li>{@code handshake}: opens, upgrades and resets connections, {@code --concurrency} at a time,
 *       cycling through the node identities; after {@code --warmup-ms} prints {@code MEASURING},
 *       after {@code --measure-ms} more prints {@code RESULT <json>} and exits.
 *   <li>{@code sessions}: opens {@code --count} sessions ({@code --concurrency} at a time, source
 *       addresses spread over 127.0.0.2.. so no address runs out of ephemeral ports), keeps them
 *       with a keepalive every {@code --heartbeat-ms}, prints {@code READY <json>}; answers {@code
 *       COUNT} on stdin with {@code COUNT <open sessions>}; exits when stdin closes.
 *   <li>{@code relay}: opens {@code --sessions} sessions to each of {@code --servers} (with the
 *       identities of the same position in {@code --identities}), keeps them with keepalives,
 *       prints {@code READY <json>}, then runs one round-trip slice per {@code RUN <server> <ms>
 *       <sessions> <window>} line: that many sessions each keep {@code window} messages unanswered;
 *       prints {@code DONE <json>} with the answered count and the round-trip quantiles.
 * </ul>
 */
public final class LoadClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintStream out;
  private final Map<String, String> args;

  private LoadClient(PrintStream out, Map<String, String> args) {
    this.out = out;
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println(
          "usage: LoadClient handshake|sessions --server host:port --identities DIR ...");
      System.exit(2);
    }
    Map<String, String> args = new HashMap<>();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      args.put(argv[i], argv[i + 1]);
    }
    LoadClient client = new LoadClient(System.out, args);
    switch (argv[0]) {
      case "handshake" -> client.handshakes();
      case "sessions" -> client.sessions();
      case "relay" -> client.relay();
      default -> {
        System.err.println("unknown mode " + argv[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  private String arg(String name) {
    String v = args.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return v;
  }

  private int intArg(String name) {
    return Integer.parseInt(arg(name));
  }

  private InetSocketAddress server() {
    return address(arg("--server"));
  }

  /** {@code host:port}. */
  private static InetSocketAddress address(String s) {
    int colon = s.lastIndexOf(':');
    return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
  }

  private void say(String prefix, ObjectNode json) {
    out.println(prefix + " " + json);
    out.flush();
  }

  // ---- handshake ----

  /**
   * Holds both servers' addresses and runs one slice per {@code RUN <server> <ms>} line on stdin:
   * {@code --concurrency} lanes open, upgrade and reset connections to that server for {@code ms}
   * (and until at least one succeeded), then stop starting new ones and wait for those in flight,
   * and print {@code DONE <json>}. The JVM and its JIT stay warm from slice to slice, and nothing
   * of one slice's server work spills into the next.
   */
  private void handshakes() throws Exception {
    List<InetSocketAddress> servers = new java.util.ArrayList<>();
    for (String s : arg("--servers").split(",")) {
      servers.add(address(s));
    }
    SharedKeyTls tls = new SharedKeyTls(NodeIdentities.read(Path.of(arg("--identities"))));
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(intArg("--threads"), NioIoHandler.newFactory());
    List<WebSocketDialer> dialers =
        servers.stream().map(a -> new WebSocketDialer(group, a, null, true)).toList();
    int concurrency = intArg("--concurrency");
    AtomicInteger next = new AtomicInteger();
    say("READY", JSON.createObjectNode());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.strip().split("\\s+");
      if (words.length == 3 && words[0].equals("RUN")) {
        say(
            "DONE",
            slice(
                dialers.get(Integer.parseInt(words[1])),
                tls,
                next,
                concurrency,
                Long.parseLong(words[2])));
      } else if (words[0].equals("QUIT")) {
        break;
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  private ObjectNode slice(
      WebSocketDialer dialer, SharedKeyTls tls, AtomicInteger next, int concurrency, long millis)
      throws InterruptedException {
    int nodes = tls.identities().size();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> negotiated = new AtomicReference<>("?");
    AtomicReference<String> firstFailure = new AtomicReference<>();
    AtomicInteger inFlight = new AtomicInteger();
    Phase phase = new Phase();
    Runnable[] lane = new Runnable[1];
    lane[0] =
        () -> {
          if (!phase.running) {
            return;
          }
          int node = Math.floorMod(next.getAndIncrement(), nodes);
          inFlight.incrementAndGet();
          dialer
              .open(tls.identities().node(node), ch -> tls.handler(ch, node), null)
              .whenComplete(
                  (channel, error) -> {
                    if (error == null) {
                      negotiated.compareAndSet("?", WebSocketDialer.negotiated(channel));
                      ok.incrementAndGet();
                      channel.close();
                    } else {
                      failed.incrementAndGet();
                      firstFailure.compareAndSet(null, String.valueOf(error));
                    }
                    inFlight.decrementAndGet();
                    lane[0].run();
                  });
        };
    long start = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      lane[0].run();
    }
    // A cold JVM on a busy machine may take seconds for its first handshake: a slice lasts until
    // one succeeded (at most a minute), so that it always has a rate.
    long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
    long patience = start + TimeUnit.SECONDS.toNanos(60);
    while ((System.nanoTime() < end || ok.get() == 0) && System.nanoTime() < patience) {
      Thread.sleep(5);
    }
    phase.running = false;
    long drainLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() < drainLimit) {
      Thread.sleep(2);
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("handshakes", ok.get());
    result.put("failures", failed.get());
    result.put("seconds", (System.nanoTime() - start) / 1e9);
    result.put("negotiated", negotiated.get());
    if (firstFailure.get() != null) {
      result.put("firstFailure", firstFailure.get());
    }
    return result;
  }

  private static final class Phase {
    volatile boolean running = true;
  }

  // ---- sessions ----

  private void sessions() throws Exception {
    InetSocketAddress server = server();
    SharedKeyTls tls = new SharedKeyTls(NodeIdentities.read(Path.of(arg("--identities"))));
    int count = Math.min(intArg("--count"), tls.identities().size());
    int sources = intArg("--source-addresses");
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(intArg("--threads"), NioIoHandler.newFactory());
    WebSocketDialer dialer =
        new WebSocketDialer(
            group, server, Duration.ofMillis(Long.parseLong(arg("--heartbeat-ms"))), false);
    Semaphore window = new Semaphore(intArg("--concurrency"));
    ConcurrentLinkedQueue<Channel> open = new ConcurrentLinkedQueue<>();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    AtomicReference<String> negotiated = new AtomicReference<>("?");
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      window.acquire();
      int node = i;
      InetSocketAddress local = new InetSocketAddress("127.0.0." + (2 + i % sources), 0);
      dialer
          .open(tls.identities().node(node), ch -> tls.handler(ch, node), local)
          .whenComplete(
              (channel, error) -> {
                if (error == null) {
                  negotiated.compareAndSet("?", WebSocketDialer.negotiated(channel));
                  open.add(channel);
                } else {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, String.valueOf(error));
                }
                window.release();
              });
    }
    window.acquire(intArg("--concurrency"));
    ObjectNode ready = JSON.createObjectNode();
    ready.put("established", open.size());
    ready.put("failed", failed.get());
    ready.put("seconds", (System.nanoTime() - start) / 1e9);
    ready.put("negotiated", negotiated.get());
    if (firstFailure.get() != null) {
      ready.put("firstFailure", firstFailure.get());
    }
    say("READY", ready);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.strip().equals("COUNT")) {
        ObjectNode c = JSON.createObjectNode();
        c.put("open", open.stream().filter(Channel::isActive).count());
        say("COUNT", c);
      }
    }
    List<Channel> all = List.copyOf(open);
    all.forEach(Channel::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  // ---- relay ----

  private void relay() throws Exception {
    String[] servers = arg("--servers").split(",");
    String[] identities = arg("--identities").split(",");
    int sessions = intArg("--sessions");
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(intArg("--threads"), NioIoHandler.newFactory());
    Duration heartbeat = Duration.ofMillis(Long.parseLong(arg("--heartbeat-ms")));
    List<List<RoundTrips>> perServer = new java.util.ArrayList<>();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    int established = 0;
    for (int s = 0; s < servers.length; s++) {
      InetSocketAddress address = address(servers[s]);
      SharedKeyTls tls = new SharedKeyTls(NodeIdentities.read(Path.of(identities[s])));
      WebSocketDialer dialer = new WebSocketDialer(group, address, heartbeat, false);
      List<RoundTrips> opened = new java.util.ArrayList<>();
      for (int i = 0; i < Math.min(sessions, tls.identities().size()); i++) {
        RoundTrips trips = new RoundTrips();
        int node = i;
        try {
          dialer
              .open(
                  tls.identities().node(node),
                  ch -> tls.handler(ch, node),
                  null,
                  java.util.Optional.of(trips))
              .get(60, TimeUnit.SECONDS);
          opened.add(trips);
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          firstFailure.compareAndSet(null, servers[s] + ": " + e.getCause());
        }
      }
      established += opened.size();
      perServer.add(opened);
    }
    ObjectNode ready = JSON.createObjectNode();
    ready.put("established", established);
    if (firstFailure.get() != null) {
      ready.put("firstFailure", firstFailure.get());
    }
    say("READY", ready);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.strip().split("\\s+");
      if (words.length == 5 && words[0].equals("RUN")) {
        List<RoundTrips> all = perServer.get(Integer.parseInt(words[1]));
        List<RoundTrips> used = all.subList(0, Math.min(all.size(), Integer.parseInt(words[3])));
        say("DONE", roundTrips(used, Long.parseLong(words[2]), Integer.parseInt(words[4])));
      } else if (words[0].equals("QUIT")) {
        break;
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  /**
   * One slice: every session in {@code used} keeps {@code window} messages in flight for {@code
   * millis}.
   */
  private ObjectNode roundTrips(List<RoundTrips> used, long millis, int window)
      throws InterruptedException {
    RoundTrips.Slice slice = new RoundTrips.Slice();
    long start = System.nanoTime();
    used.forEach(t -> t.start(slice, window));
    Thread.sleep(millis);
    slice.running = false;
    // Wait for the answers in flight, so that nothing of this slice's work spills into the next.
    long drainLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (slice.outstanding() > 0 && System.nanoTime() < drainLimit) {
      Thread.sleep(1);
    }
    ObjectNode result = JSON.createObjectNode();
    slice.describe(result, (System.nanoTime() - start) / 1e9);
    return result;
  }
}
