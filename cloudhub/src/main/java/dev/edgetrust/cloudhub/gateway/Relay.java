package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.cloudhub.config.UpstreamServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relayed session: the edge leg (a CloudHub session) and the upstream leg (a WebSocket session
 * to cloudcore), living and dying together.
 *
 * <p>Frames are passed on as they are, not decoded: a message reaches the other side byte for byte
 * (its JSON, trailing newline and fields this project does not model included), keepalives
 * included, so cloudcore's keepalive check and acks work as if the edge were connected to it. Only
 * WebSocket control frames are per hop (each leg answers its own pings and closes).
 *
 * <p>Both legs are on the same event loop (the upstream leg is registered on the edge's), so this
 * object is confined to one thread and needs no locks. Backpressure: a leg whose outbound buffer
 * passes its high-water mark pauses reading on the other leg until it drains below its low-water
 * mark. What one direction holds — messages read but not yet written out, including those waiting
 * for the upstream leg to come up — is capped at {@code maxBufferedBytes}; past it the session
 * ends.
 *
 * <p>About 450 lines, on purpose: the two legs' lifecycles, the backpressure between them and the
 * byte caps all change the same thread-confined state, and split across classes that state would
 * need sharing (and locks) that confinement makes unnecessary.
 */
final class Relay {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  static final AttributeKey<Relay> KEY = AttributeKey.valueOf("edgetrust.relay");

  /** Past 512 KiB queued toward a leg, the other leg stops reading until it drains to 128 KiB. */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 << 10, 512 << 10);

  /** Where a relayed session stands. */
  enum State {
    /**
     * Waiting for the predecessor's legs to close, or dialing cloudcore: edge messages are held.
     */
    DIALING,
    /** Both legs up: messages flow both ways. */
    OPEN,
    ENDED
  }

  /** Which way a message goes, for the per-direction buffer count. */
  enum Direction {
    TO_UPSTREAM,
    TO_EDGE
  }

  private final EdgeSession edge;
  private final UpstreamServer server;
  private final int maxBufferedBytes;
  private final Duration dialTimeout;
  private final DialGate gate;
  private final RelayObserver observer;
  private final ArrayDeque<WebSocketFrame> pending = new ArrayDeque<>();
  private final Promise<Void> finished;
  private State state = State.DIALING;

  /** A dial the gate allowed has not been reported back to it yet. */
  private boolean gateReportOwed;

  private Optional<Channel> upstream = Optional.empty();
  private ScheduledFuture<?> dialDeadline;
  private long heldForUpstream;
  private long heldForEdge;

  Relay(
      EdgeSession edge,
      UpstreamServer server,
      int maxBufferedBytes,
      Duration dialTimeout,
      DialGate gate,
      RelayObserver observer) {
    this.edge = edge;
    this.observer = observer;
    this.server = server;
    this.maxBufferedBytes = maxBufferedBytes;
    this.dialTimeout = dialTimeout;
    this.gate = gate;
    this.finished = edge.channel().eventLoop().newPromise();
  }

  /** The relay of an edge connection, if it has one. */
  static Optional<Relay> of(Channel edgeChannel) {
    return Optional.ofNullable(edgeChannel.attr(KEY).get());
  }

  State state() {
    return state;
  }

  EdgeSession edge() {
    return edge;
  }

  long held(Direction direction) {
    return direction == Direction.TO_UPSTREAM ? heldForUpstream : heldForEdge;
  }

  /** Done when both legs are closed: a successor of this node may dial then. */
  Future<Void> finished() {
    return finished;
  }

  /**
   * Dials cloudcore, unless the session already ended or the gate says cloudcore is backing off.
   * Runs on the edge's event loop.
   */
  void dial(UpstreamDialer dialer) {
    if (state != State.DIALING) {
      return;
    }
    UpstreamHandshake handshake;
    try {
      handshake = UpstreamHandshake.of(server, edge);
    } catch (IllegalArgumentException e) {
      end(RelayEnd.BAD_PROJECT_ID, e.getMessage());
      return;
    }
    if (gate.tryDial() == DialGate.Decision.BACK_OFF) {
      end(
          RelayEnd.UPSTREAM_BACKING_OFF,
          "not dialing the upstream "
              + server
              + ": it failed recently (next try within "
              + gate.currentBackoff().toSeconds()
              + " s)");
      return;
    }
    gateReportOwed = true;
    dialDeadline =
        edge.channel()
            .eventLoop()
            .schedule(new DialDeadline(), dialTimeout.toMillis(), TimeUnit.MILLISECONDS);
    ChannelFuture connect = dialer.dial(this, handshake, edge.channel().eventLoop());
    upstream = Optional.of(connect.channel());
    connect.addListener(new ConnectOutcome());
  }

  // ---- from the edge leg ----

  /** A whole message from the edge: passed on as it is, or held until the upstream leg is up. */
  void fromEdge(WebSocketFrame frame) {
    if (state == State.ENDED) {
      frame.release();
      return;
    }
    int size = frame.content().readableBytes();
    heldForUpstream += size;
    if (heldForUpstream > maxBufferedBytes) {
      frame.release();
      end(
          RelayEnd.UPSTREAM_TOO_SLOW,
          heldForUpstream
              + " bytes held for the upstream, more than maxBufferedBytes ("
              + maxBufferedBytes
              + ")"
              + (state == State.DIALING ? " while it was being dialed" : ""));
      return;
    }
    if (state == State.DIALING) {
      pending.addLast(frame);
      return;
    }
    write(upstream.orElseThrow(), frame, size, Direction.TO_UPSTREAM);
  }

  /** The edge leg finished a read: send what it produced in one flush. */
  void edgeReadComplete() {
    if (state == State.OPEN) {
      upstream.orElseThrow().flush();
    }
  }

  /** The edge can take more (or no more): resume (or pause) reading cloudcore. */
  void edgeWritabilityChanged() {
    if (state == State.OPEN) {
      upstream.orElseThrow().config().setAutoRead(edge.channel().isWritable());
    }
  }

  /**
   * The edge sent nothing for the keepalive interval. If that is because this relay stopped reading
   * it (cloudcore not taking its messages), the fault is cloudcore's: say so.
   *
   * @return whether the relay ended the session for it
   */
  boolean edgeIdle() {
    if (state == State.OPEN && !edge.channel().config().isAutoRead()) {
      end(
          RelayEnd.UPSTREAM_TOO_SLOW,
          "the upstream took no messages for a whole keepalive interval");
      return true;
    }
    return false;
  }

  /** A write to the edge did not complete within writeTimeout: it is not reading. */
  void edgeTooSlow(String detail) {
    end(RelayEnd.EDGE_TOO_SLOW, detail);
  }

  void edgeInactive() {
    end(RelayEnd.EDGE_GONE, "the edge session ended");
  }

  // ---- from the upstream leg ----

  /** cloudcore accepted the upgrade: send what the edge said meanwhile, then relay both ways. */
  void upstreamOpened() {
    if (state != State.DIALING) {
      return;
    }
    dialDeadline.cancel(false);
    settleGate(GateOutcome.SUCCEEDED);
    state = State.OPEN;
    observer.relayOpened();
    Channel up = upstream.orElseThrow();
    while (!pending.isEmpty()) {
      WebSocketFrame frame = pending.pollFirst();
      write(up, frame, frame.content().readableBytes(), Direction.TO_UPSTREAM);
    }
    up.flush();
    edge.channel().config().setAutoRead(up.isWritable());
    up.config().setAutoRead(edge.channel().isWritable());
    log.debug("node {}: relaying to the upstream {}", edge.node(), server);
  }

  /** A whole message from cloudcore, for the edge. */
  void fromUpstream(WebSocketFrame frame) {
    if (state != State.OPEN) {
      frame.release();
      return;
    }
    int size = frame.content().readableBytes();
    heldForEdge += size;
    if (heldForEdge > maxBufferedBytes) {
      frame.release();
      end(
          RelayEnd.EDGE_TOO_SLOW,
          heldForEdge
              + " bytes held for the edge, more than maxBufferedBytes ("
              + maxBufferedBytes
              + ")");
      return;
    }
    write(edge.channel(), frame, size, Direction.TO_EDGE);
  }

  void upstreamReadComplete() {
    if (state == State.OPEN) {
      edge.channel().flush();
    }
  }

  /** cloudcore can take more (or no more): resume (or pause) reading the edge. */
  void upstreamWritabilityChanged() {
    if (state == State.OPEN) {
      edge.channel().config().setAutoRead(upstream.orElseThrow().isWritable());
    }
  }

  /** cloudcore sent a close frame. */
  void upstreamClosed(CloseWebSocketFrame close) {
    end(
        RelayEnd.UPSTREAM_GONE,
        "the upstream closed the session ("
            + close.statusCode()
            + (close.reasonText().isEmpty()
                ? ""
                : " " + dev.edgetrust.text.UntrustedText.printable(close.reasonText(), 80))
            + ")");
  }

  /** The upstream connection failed; before the upgrade, cloudcore counts as unreachable. */
  void upstreamFailed(Throwable cause) {
    if (state == State.DIALING) {
      settleGate(GateOutcome.FAILED);
      end(RelayEnd.UPSTREAM_UNREACHABLE, UpstreamFailure.describe(server, cause));
    } else if (cause instanceof io.netty.handler.timeout.WriteTimeoutException) {
      end(RelayEnd.UPSTREAM_TOO_SLOW, UpstreamFailure.describe(server, cause));
    } else {
      end(RelayEnd.UPSTREAM_GONE, UpstreamFailure.describe(server, cause));
    }
  }

  void upstreamInactive() {
    if (state == State.DIALING) {
      settleGate(GateOutcome.FAILED);
      end(
          RelayEnd.UPSTREAM_UNREACHABLE,
          "the upstream " + server + " closed the connection before the upgrade");
    } else {
      end(RelayEnd.UPSTREAM_GONE, "the upstream closed the connection without a close frame");
    }
  }

  // ---- the end ----

  /**
   * Ends the session once, whoever asks first: both legs are closed and the reason logged in one
   * line. Later calls (the other leg's close arriving) do nothing.
   */
  void end(RelayEnd why, String detail) {
    if (state == State.ENDED) {
      return;
    }
    State was = state;
    state = State.ENDED;
    if (dialDeadline != null) {
      dialDeadline.cancel(false);
    }
    settleGate(GateOutcome.ABANDONED);
    while (!pending.isEmpty()) {
      pending.pollFirst().release();
    }
    if (why == RelayEnd.EDGE_GONE) {
      log.debug("node {}: {}; closing its upstream leg", edge.node(), detail);
    } else if (why.isFault()) {
      log.warn("node {}: {}; closing both legs", edge.node(), detail);
    } else {
      log.info("node {}: {}; closing both legs", edge.node(), detail);
    }
    observer.relayEnded(why);
    closeEdge(why);
    closeUpstream(why, was);
  }

  private void closeEdge(RelayEnd why) {
    if (why.edgeGetsCloseFrame()) {
      // A paused edge reads again (what it sends is dropped now), so that the close handshake can
      // go on; closing with its bytes unread would turn the close into a TCP reset.
      edge.channel().config().setAutoRead(true);
      edge.closer().close(why.edgeStatus(), why.edgeReason());
    } else {
      edge.channel().close();
    }
  }

  private void closeUpstream(RelayEnd why, State was) {
    if (upstream.isEmpty()) {
      finished.trySuccess(null);
      return;
    }
    Channel up = upstream.get();
    up.closeFuture().addListener(new Finished());
    if (was == State.OPEN
        && up.isActive()
        && why != RelayEnd.UPSTREAM_TOO_SLOW
        && why != RelayEnd.UPSTREAM_GONE) {
      // cloudcore learns at once that the node left, as it would from edgecore's own close. Not
      // when cloudcore is the one not reading: the frame would wait behind what it never took.
      up.writeAndFlush(
              new CloseWebSocketFrame(
                  WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "edge session ended"))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      up.close();
    }
  }

  private void write(Channel to, WebSocketFrame frame, int size, Direction direction) {
    to.write(frame).addListener(new Written(direction, size));
  }

  private enum GateOutcome {
    SUCCEEDED,
    FAILED,
    ABANDONED
  }

  /** Tells the gate how the dial it allowed went, exactly once. */
  private void settleGate(GateOutcome outcome) {
    if (!gateReportOwed) {
      return;
    }
    gateReportOwed = false;
    switch (outcome) {
      case SUCCEEDED -> gate.succeeded();
      case FAILED -> gate.failed();
      case ABANDONED -> gate.abandoned();
    }
  }

  /** A message left the gateway (or its leg closed): it is no longer held. */
  private final class Written implements ChannelFutureListener {
    private final Direction direction;
    private final int size;

    Written(Direction direction, int size) {
      this.direction = direction;
      this.size = size;
    }

    @Override
    public void operationComplete(ChannelFuture future) {
      if (direction == Direction.TO_UPSTREAM) {
        heldForUpstream -= size;
      } else {
        heldForEdge -= size;
      }
    }
  }

  /** TCP to cloudcore could not be opened. */
  private final class ConnectOutcome implements ChannelFutureListener {
    @Override
    public void operationComplete(ChannelFuture future) {
      if (!future.isSuccess()) {
        upstreamFailed(future.cause());
      }
    }
  }

  /** Connect, TLS and upgrade together must be done within dialTimeout. */
  private final class DialDeadline implements Runnable {
    @Override
    public void run() {
      if (state == State.DIALING) {
        settleGate(GateOutcome.FAILED);
        end(
            RelayEnd.UPSTREAM_UNREACHABLE,
            "no WebSocket session with the upstream "
                + server
                + " within "
                + dialTimeout.toMillis()
                + " ms (dialTimeout)");
      }
    }
  }

  private final class Finished implements ChannelFutureListener {
    @Override
    public void operationComplete(ChannelFuture future) {
      finished.trySuccess(null);
    }
  }
}
