package dev.edgetrust.edgehub.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One KubeEdge message per text frame, both ways; what is not a message never ends the session. */
class MessageFrameCodecTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameCodec());

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  private static Message data() {
    return Message.create(
        new Message.Route("edged", "twin", "resource", "update", "node/node-a/1"),
        TextNode.valueOf("m"));
  }

  @Test
  void outgoingMessage_isOneTextFrameOfItsJson() {
    Message message = data();

    assertThat(channel.writeOutbound(message)).isTrue();

    TextWebSocketFrame frame = channel.readOutbound();
    try {
      assertThat(MessageCodec.decode(frame.text())).isEqualTo(message);
    } finally {
      frame.release();
    }
    assertThat(channel.<Object>readOutbound()).isNull();
  }

  @Test
  void outgoingFrame_isJsonAndOneNewline_asGorillasWriteJsonWritesIt() {
    // viaduct's WebSocket lane writes with gorilla's WriteJSON = json.Encoder.Encode: JSON + "\n".
    Message message = data();

    channel.writeOutbound(message);

    TextWebSocketFrame frame = channel.readOutbound();
    try {
      assertThat(frame.text()).isEqualTo(MessageCodec.encode(message) + "\n");
    } finally {
      frame.release();
    }
  }

  @Test
  void incomingTextFrame_isDecoded_withOrWithoutGorillasTrailingNewline() {
    Message first = data();
    Message second = data();

    channel.writeInbound(new TextWebSocketFrame(MessageCodec.encode(first)));
    channel.writeInbound(new TextWebSocketFrame(MessageCodec.encode(second) + "\n"));

    assertThat((Message) channel.readInbound()).isEqualTo(first);
    assertThat((Message) channel.readInbound()).isEqualTo(second);
  }

  @Test
  void blankEmptyMalformedAndBinaryFrames_areDropped_andTheChannelStaysOpen() {
    channel.writeInbound(new TextWebSocketFrame("  "));
    channel.writeInbound(
        new TextWebSocketFrame(
            "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}"));
    channel.writeInbound(new TextWebSocketFrame("this is not a message"));
    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));

    assertThat(channel.<Object>readInbound()).isNull();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void closeFrame_passesThrough_forTheSessionToReport() {
    channel.writeInbound(new CloseWebSocketFrame(1008, "revoked: serial 01"));

    CloseWebSocketFrame close = channel.readInbound();
    try {
      assertThat(close.statusCode()).isEqualTo(1008);
      assertThat(close.reasonText()).isEqualTo("revoked: serial 01");
    } finally {
      close.release();
    }
  }
}
