package dev.edgetrust.edgehub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.NodeName;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local edgecore's session end: what it sends reaches the outbox, silence and a full outbox end
 * it.
 */
class LocalLegHandlerTest {
  private static final NodeName NODE = NodeName.of("node-a");

  private final List<Message> outbox = new ArrayList<>();
  private boolean outboxFull;
  private final LocalRelay relay = new LocalRelay(NODE, this::offer, 1 << 20);
  private final EmbeddedChannel channel = new EmbeddedChannel(new LocalLegHandler(relay));

  private boolean offer(Message message) {
    if (outboxFull) {
      return false;
    }
    outbox.add(message);
    return true;
  }

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  private void upgraded() {
    relay.upstreamOpened();
    channel
        .pipeline()
        .fireUserEventTriggered(
            new HandshakeComplete("/p/node-a/events", new DefaultHttpHeaders(), null));
  }

  private static Message data(String id) {
    return Message.create(
        new Message.Route("edged", "twin", "resource", "update", "node/node-a/" + id),
        TextNode.valueOf(id));
  }

  @Test
  void upgrade_makesThisConnectionTheLocalSession() {
    upgraded();

    assertThat(relay.local()).contains(channel);
  }

  @Test
  void textAndBinaryFrames_reachTheOutbox_inOrder() {
    upgraded();
    Message first = data("1");
    Message second = data("2");

    channel.writeInbound(new TextWebSocketFrame(MessageCodec.encode(first) + "\n"));
    channel.writeInbound(
        new BinaryWebSocketFrame(
            Unpooled.copiedBuffer(MessageCodec.encode(second), StandardCharsets.UTF_8)));

    assertThat(outbox).containsExactly(first, second);
  }

  @Test
  void keepalivesGoodbyesBlanksAndGarbage_stayHere_andTheSessionStaysUp() {
    upgraded();

    channel.writeInbound(new TextWebSocketFrame(MessageCodec.encode(Message.keepalive())));
    channel.writeInbound(
        new TextWebSocketFrame(
            "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}"));
    channel.writeInbound(new TextWebSocketFrame(" "));
    channel.writeInbound(new TextWebSocketFrame("not a message"));

    assertThat(outbox).isEmpty();
    assertThat(channel.isActive()).isTrue();
    assertThat(relay.local()).contains(channel);
  }

  @Test
  void framesBeforeTheUpgradeCompleted_areNotRelayed() {
    channel.writeInbound(new TextWebSocketFrame(MessageCodec.encode(data("1"))));

    assertThat(outbox).isEmpty();
  }

  @Test
  void fullOutbox_endsTheLocalSessionWith1011() {
    upgraded();
    outboxFull = true;

    channel.writeInbound(new TextWebSocketFrame(MessageCodec.encode(data("1"))));

    CloseWebSocketFrame close = channel.readOutbound();
    try {
      assertThat(close.statusCode()).isEqualTo(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code());
    } finally {
      close.release();
    }
    assertThat(channel.isOpen()).isFalse();
    assertThat(relay.local()).isEmpty();
  }

  @Test
  void silence_closesTheConnectionWithoutACloseFrame() {
    upgraded();

    channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);

    assertThat(channel.<Object>readOutbound()).isNull();
    assertThat(channel.isOpen()).isFalse();
    assertThat(relay.local()).isEmpty();
  }

  @Test
  void connectionGone_isNoLongerTheLocalSession_andCloudMessagesAreHeldForTheNext() {
    upgraded();

    channel.close();
    relay.fromCloud(data("held"));

    assertThat(relay.local()).isEmpty();
    assertThat(relay.held()).isPositive();
  }
}
