package dev.edgetrust.edgehub.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.message.Message;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * edgecore's keepalive and a ping: the first at once when the session is up, then every heartbeat.
 */
class HeartbeatHandlerTest {
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final EmbeddedChannel channel = new EmbeddedChannel(new HeartbeatHandler(HEARTBEAT));

  @BeforeEach
  void stopTheClock() {
    channel.freezeTime();
  }

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  /** What the handler wrote, as kinds: a keepalive message or a ping. */
  private enum Beat {
    KEEPALIVE,
    PING,
    OTHER
  }

  private List<Beat> written() {
    List<Beat> beats = new ArrayList<>();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      beats.add(
          o instanceof Message m && m.isKeepalive()
              ? Beat.KEEPALIVE
              : o instanceof PingWebSocketFrame ? Beat.PING : Beat.OTHER);
      ReferenceCountUtil.release(o);
    }
    return beats;
  }

  @Test
  void beforeTheUpgrade_nothingIsSent() {
    channel.advanceTimeBy(HEARTBEAT.toMillis() * 3, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(written()).isEmpty();
  }

  @Test
  void upgradeComplete_sendsAKeepaliveAndAPingAtOnce_thenOneOfEachPerHeartbeat() {
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    channel.runScheduledPendingTasks();
    assertThat(written()).containsExactly(Beat.KEEPALIVE, Beat.PING);

    channel.advanceTimeBy(HEARTBEAT.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).isEmpty();

    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(written()).containsExactly(Beat.KEEPALIVE, Beat.PING);
  }

  @Test
  void aSecondUpgradeEvent_doesNotStartASecondBeat() {
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    channel.runScheduledPendingTasks();
    written();

    channel.advanceTimeBy(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(written()).containsExactly(Beat.KEEPALIVE, Beat.PING);
  }

  @Test
  void closedSession_beatsNoMore() {
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    channel.runScheduledPendingTasks();
    written();

    channel.close();
    channel.advanceTimeBy(HEARTBEAT.toMillis() * 3, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(written()).isEmpty();
  }
}
