package dev.edgetrust.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One edge session's side of a round-trip load: it sends edgecore-shaped messages (JSON and a
 * newline, as gorilla writes them), keeps {@code window} of them unanswered, and times each one
 * from its write to the server's ack ({@code operation: "response"}, {@code parent_msg_id}), as
 * cloudcore answers. All of it runs on the session's event loop; only the {@link Slice} is shared.
 */
final class RoundTrips extends SimpleChannelInboundHandler<TextWebSocketFrame> {
  private static final Message.Route ROUTE =
      new Message.Route("edged", "meta", "resource", "update", "default/pod/bench");
  private static final TextNode CONTENT =
      TextNode.valueOf("status: Running, ready: true, restarts: 0");

  /** What the sessions of one timed slice share: whether to go on, and what they measured. */
  static final class Slice {
    /**
     * Round trips in microseconds, one counter per microsecond up to 1 s; the last one holds
     * everything slower.
     */
    private final AtomicLongArray micros = new AtomicLongArray(1_000_001);

    private final AtomicLong answered = new AtomicLong();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    volatile boolean running = true;

    void record(long nanos) {
      answered.incrementAndGet();
      micros.incrementAndGet((int) Math.min(micros.length() - 1, nanos / 1000));
    }

    int outstanding() {
      return outstanding.get();
    }

    void failed(String why) {
      firstFailure.compareAndSet(null, why);
    }

    /** The round trip at quantile {@code q} (0..1), in microseconds. */
    long quantileMicros(double q) {
      long total = answered.get();
      long want = Math.max(1, (long) Math.ceil(q * total));
      long seen = 0;
      for (int i = 0; i < micros.length(); i++) {
        seen += micros.get(i);
        if (seen >= want) {
          return i;
        }
      }
      return micros.length() - 1L;
    }

    void describe(ObjectNode into, double seconds) {
      into.put("messages", answered.get());
      into.put("seconds", seconds);
      into.put("p50Us", quantileMicros(0.50));
      into.put("p99Us", quantileMicros(0.99));
      into.put("maxUs", quantileMicros(1.0));
      into.put("unanswered", outstanding.get());
      if (firstFailure.get() != null) {
        into.put("firstFailure", firstFailure.get());
      }
    }
  }

  private final Map<String, Long> sentAt = new HashMap<>();
  private ChannelHandlerContext ctx;
  private Slice slice;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Starts this session's part of {@code slice}: {@code window} messages in flight until it stops.
   */
  void start(Slice slice, int window) {
    ctx.executor()
        .execute(
            () -> {
              this.slice = slice;
              sentAt.clear();
              for (int i = 0; i < window; i++) {
                sendOne();
              }
            });
  }

  private void sendOne() {
    if (!slice.running || !ctx.channel().isActive()) {
      return;
    }
    Message m = Message.create(ROUTE, CONTENT);
    slice.outstanding.incrementAndGet();
    sentAt.put(m.header().id(), System.nanoTime());
    ctx.writeAndFlush(new TextWebSocketFrame(MessageCodec.encodeFrame(m)));
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
    long now = System.nanoTime();
    Message answer;
    try {
      answer = MessageCodec.decode(frame.text());
    } catch (IllegalArgumentException e) {
      slice.failed("not a message: " + e.getMessage());
      return;
    }
    Long sent = answer.isResponse() ? sentAt.remove(answer.header().parentId()) : null;
    if (sent != null && slice != null) {
      slice.outstanding.decrementAndGet();
      slice.record(now - sent);
      sendOne();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (slice != null && !sentAt.isEmpty()) {
      slice.failed("session closed with " + sentAt.size() + " message(s) unanswered");
      slice.outstanding.addAndGet(-sentAt.size());
      sentAt.clear();
    }
    super.channelInactive(ctx);
  }
}
