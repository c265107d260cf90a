package dev.edgetrust.cloudhub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import dev.edgetrust.pki.NodeName;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.WriteTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The relay's protocol logic, both legs as {@link EmbeddedChannel}s: no sockets, no timing. */
class RelayTest {
  static final int CAP = UpstreamSettings.MAX_MESSAGE_BYTES;

  final EmbeddedChannel edge = new EmbeddedChannel();
  final List<String> edgeCloses = new ArrayList<>();
  final DialGate gate = new DialGate(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0L);
  final List<String> observed = new ArrayList<>();
  final RelayObserver observer =
      new RelayObserver() {
        @Override
        public void relayOpened() {
          observed.add("opened");
        }

        @Override
        public void relayEnded(RelayEnd end) {
          observed.add(end.label());
        }
      };
  EmbeddedChannel upstream;
  Relay relay;

  /** A relay whose upstream leg is an embedded channel; dialed, not yet upgraded. */
  private void dialed(String projectSegment) {
    EdgeSession session =
        new EdgeSession(
            NodeName.of("edge-1"),
            "p",
            projectSegment,
            edge,
            (status, reason) -> edgeCloses.add(status.code() + " " + reason),
            Optional.empty());
    relay =
        new Relay(
            session,
            new UpstreamServer("cloudcore.kubeedge", 10000),
            CAP,
            Duration.ofSeconds(10),
            gate,
            observer);
    edge.pipeline().addLast(new EdgeLegHandler(relay));
    relay.dial(new EmbeddedDialer());
  }

  private void open() {
    dialed("p");
    upstream.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
  }

  private final class EmbeddedDialer implements UpstreamDialer {
    UpstreamHandshake handshake;

    @Override
    public ChannelFuture dial(Relay r, UpstreamHandshake h, EventLoop loop) {
      handshake = h;
      upstream = new EmbeddedChannel(new UpstreamLegHandler(r));
      return upstream.newSucceededFuture();
    }
  }

  private static TextWebSocketFrame text(String s) {
    return new TextWebSocketFrame(s);
  }

  private String nextText(EmbeddedChannel channel) {
    Object out = channel.readOutbound();
    if (out == null) {
      return null;
    }
    TextWebSocketFrame frame = (TextWebSocketFrame) out;
    try {
      return frame.text();
    } finally {
      frame.release();
    }
  }

  @Test
  void edgeMessagesWhileDialing_areHeldThenSentInOrderOnOpen() {
    dialed("p");
    edge.writeInbound(text("{\"n\":1}\n"), text("{\"n\":2}\n"));
    assertThat(upstream.<Object>readOutbound()).isNull();

    upstream.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);

    assertThat(nextText(upstream)).isEqualTo("{\"n\":1}\n");
    assertThat(nextText(upstream)).isEqualTo("{\"n\":2}\n");
    assertThat(relay.held(Relay.Direction.TO_UPSTREAM)).isZero();
  }

  @Test
  void framesPassUnchangedBothWays_textAndBinary() {
    open();
    edge.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    upstream.writeInbound(text("down\n"));

    BinaryWebSocketFrame up = upstream.readOutbound();
    assertThat(up.content().readableBytes()).isEqualTo(3);
    up.release();
    assertThat(nextText(edge)).isEqualTo("down\n");
  }

  @Test
  void upgradeRequest_isCloudcoresHandshakeForTheCertificatesNode() {
    EmbeddedDialer dialer = new EmbeddedDialer();
    EdgeSession session =
        new EdgeSession(
            NodeName.of("edge-1"),
            "proj",
            "proj",
            edge,
            (status, reason) -> edgeCloses.add(status.code() + " " + reason),
            Optional.empty());
    relay =
        new Relay(
            session,
            new UpstreamServer("cloudcore.kubeedge", 10000),
            CAP,
            Duration.ofSeconds(10),
            gate,
            observer);
    relay.dial(dialer);

    assertThat(dialer.handshake.uri())
        .hasToString("wss://cloudcore.kubeedge:10000/proj/edge-1/events");
    assertThat(dialer.handshake.headers().get("node_id")).isEqualTo("edge-1");
    assertThat(dialer.handshake.headers().get("project_id")).isEqualTo("proj");
    assertThat(dialer.handshake.headers().get("ConnectionUse")).isEqualTo("msg");
  }

  @Test
  void projectSegmentThatIsNotAPlainPathSegment_closesTheEdgeWithoutADial() {
    dialed("a%2F..");

    assertThat(upstream).isNull();
    assertThat(edgeCloses).containsExactly("1008 project id is not a plain URL path segment");
    assertThat(relay.state()).isEqualTo(Relay.State.ENDED);
  }

  @Test
  void unwritableUpstream_pausesReadingTheEdge_untilItDrains() {
    open();
    assertThat(edge.config().isAutoRead()).isTrue();

    upstream.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    upstream.runPendingTasks();
    assertThat(edge.config().isAutoRead()).isFalse();

    upstream.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    upstream.runPendingTasks();
    assertThat(edge.config().isAutoRead()).isTrue();
  }

  @Test
  void unwritableEdge_pausesReadingTheUpstream_untilItDrains() {
    open();

    edge.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    edge.runPendingTasks();
    assertThat(upstream.config().isAutoRead()).isFalse();

    edge.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    edge.runPendingTasks();
    assertThat(upstream.config().isAutoRead()).isTrue();
  }

  @Test
  void edgeSilentBecausePaused_isBlamedOnTheUpstream_notOnTheEdge() {
    open();
    upstream.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    upstream.runPendingTasks();

    edge.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);

    assertThat(edgeCloses).containsExactly("1011 upstream too slow; reconnect");
    assertThat(upstream.isOpen()).isFalse();
  }

  @Test
  void edgeReallySilent_isLeftToTheCloudHubsKeepaliveCheck() {
    open();
    List<Object> passed = new ArrayList<>();
    edge.pipeline()
        .addLast(
            new io.netty.channel.ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(
                  io.netty.channel.ChannelHandlerContext ctx, Object evt) {
                passed.add(evt);
              }
            });

    edge.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);

    assertThat(passed).containsExactly(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    assertThat(edgeCloses).isEmpty();
  }

  @Test
  void bufferCapPassedWhileDialing_endsTheSessionWith1011() {
    dialed("p");
    byte[] half = new byte[CAP / 2 + 1];

    edge.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(half)));
    assertThat(edgeCloses).isEmpty();
    edge.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(half)));

    assertThat(edgeCloses).containsExactly("1011 upstream too slow; reconnect");
    assertThat(upstream.isOpen()).isFalse();
  }

  @Test
  void bufferCapPassedTowardTheEdge_closesTheEdgeConnection() {
    open();
    byte[] half = new byte[CAP / 2 + 1];
    // Writes to the edge that never complete: an edge that does not read.
    edge.pipeline()
        .addFirst(
            new io.netty.channel.ChannelOutboundHandlerAdapter() {
              @Override
              public void write(
                  io.netty.channel.ChannelHandlerContext ctx,
                  Object msg,
                  io.netty.channel.ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
              }
            });

    upstream.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(half)));
    upstream.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(half)));

    assertThat(edge.isOpen())
        .as("not reading: closed without a close frame it would not read")
        .isFalse();
    assertThat(upstream.isOpen()).isFalse();
  }

  @Test
  void edgeGone_sendsTheUpstreamA1001AndClosesIt() {
    open();

    edge.close();

    CloseWebSocketFrame close = upstream.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1001);
    close.release();
    assertThat(upstream.isOpen()).isFalse();
    assertThat(relay.finished().isDone()).isTrue();
  }

  @Test
  void upstreamCloseFrame_closesTheEdgeWith1001() {
    open();

    upstream.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "bye"));

    assertThat(edgeCloses).containsExactly("1001 upstream closed the session; reconnect");
  }

  @Test
  void upstreamTcpClosedWithoutAFrame_closesTheEdgeWith1001() {
    open();

    upstream.close();

    assertThat(edgeCloses).containsExactly("1001 upstream closed the session; reconnect");
  }

  @Test
  void upstreamSilentForThreeIntervals_isDead_andTheEdgeGets1001() {
    open();

    upstream.pipeline().fireExceptionCaught(io.netty.handler.timeout.ReadTimeoutException.INSTANCE);

    assertThat(edgeCloses).containsExactly("1001 upstream closed the session; reconnect");
    assertThat(upstream.isOpen()).isFalse();
  }

  @Test
  void upstreamHeartbeat_pingsOnlyOnceUp_everyInterval() {
    EmbeddedChannel leg = new EmbeddedChannel(new UpstreamHeartbeat(Duration.ofSeconds(15)));
    leg.advanceTimeBy(1, java.util.concurrent.TimeUnit.MINUTES);
    leg.runScheduledPendingTasks();
    assertThat(leg.<Object>readOutbound()).as("nothing before the upgrade").isNull();

    leg.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    leg.advanceTimeBy(15, java.util.concurrent.TimeUnit.SECONDS);
    leg.runScheduledPendingTasks();

    Object ping = leg.readOutbound();
    assertThat(ping).isInstanceOf(io.netty.handler.codec.http.websocketx.PingWebSocketFrame.class);
    io.netty.util.ReferenceCountUtil.release(ping);
    leg.finishAndReleaseAll();
  }

  @Test
  void upstreamClosingBeforeTheUpgrade_isUnreachable_andTheGateBacksOff() {
    dialed("p");

    upstream.close();

    assertThat(edgeCloses).containsExactly("1013 upstream unreachable; try again later");
    assertThat(gate.tryDial()).isEqualTo(DialGate.Decision.BACK_OFF);
  }

  @Test
  void edgeNotReading_writeTimeout_endsBothLegs() {
    open();

    edge.pipeline().fireExceptionCaught(WriteTimeoutException.INSTANCE);

    assertThat(edge.isOpen()).isFalse();
    assertThat(upstream.isOpen()).isFalse();
  }

  @Test
  void endingTwice_closesOnce_andIsReportedOnce() {
    open();

    upstream.close();
    edge.close();

    assertThat(edgeCloses).hasSize(1);
    assertThat(observed).containsExactly("opened", "upstream_gone");
  }
}
