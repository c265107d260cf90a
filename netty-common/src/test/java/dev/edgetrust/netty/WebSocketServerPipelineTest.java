package dev.edgetrust.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketServerPipelineTest {
  private static final WebSocketServerPipeline WIRE =
      new WebSocketServerPipeline(Duration.ofSeconds(30), Duration.ofSeconds(10), 1024, 64);

  /** What the hub's session handler would be handed. */
  private static final class Messages extends ChannelInboundHandlerAdapter {
    final List<String> texts = new ArrayList<>();
    final List<Throwable> failures = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TextWebSocketFrame text) {
        texts.add(text.text());
      }
      io.netty.util.ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failures.add(cause);
    }
  }

  private static EmbeddedChannel server(Messages messages) {
    EmbeddedChannel ch = new EmbeddedChannel();
    WIRE.addHttp(ch.pipeline());
    WIRE.addUpgrade(ch.pipeline());
    WIRE.addMessages(ch.pipeline());
    ch.pipeline().addLast("session", messages);
    return ch;
  }

  private static ByteBuf upgradeRequest(String path) {
    return Unpooled.copiedBuffer(
        "GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        StandardCharsets.US_ASCII);
  }

  /** The bytes a client puts on the wire for these frames (masked, as clients must). */
  private static ByteBuf clientBytes(WebSocketFrame... frames) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    client.writeOutbound((Object[]) frames);
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = client.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  private static String response(EmbeddedChannel ch) {
    ByteBuf out = ch.readOutbound();
    try {
      return out.toString(StandardCharsets.US_ASCII);
    } finally {
      out.release();
    }
  }

  @Test
  void upgradeAtAnyPath_isAccepted_andFragmentsArriveAsOneMessage() {
    Messages messages = new Messages();
    EmbeddedChannel ch = server(messages);

    ch.writeInbound(upgradeRequest("/e632aba927ea4ac2b575ec1603d56f10/node-1/events"));
    assertThat(response(ch)).startsWith("HTTP/1.1 101 Switching Protocols");

    ch.writeInbound(
        clientBytes(
            new TextWebSocketFrame(false, 0, "hello, "),
            new ContinuationWebSocketFrame(true, 0, "cloud")));
    assertThat(messages.texts).containsExactly("hello, cloud");
    ch.finishAndReleaseAll();
  }

  @Test
  void upgradeRequestOverItsBound_isRefusedWith413() {
    EmbeddedChannel ch = server(new Messages());

    ch.writeInbound(
        Unpooled.copiedBuffer(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2048\r\n\r\n" + "x".repeat(2048),
            StandardCharsets.US_ASCII));

    assertThat(response(ch)).startsWith("HTTP/1.1 413");
    ch.finishAndReleaseAll();
  }

  @Test
  void messageOverItsBound_closesTheSession_withoutDeliveringIt() {
    Messages messages = new Messages();
    EmbeddedChannel ch = server(messages);
    ch.writeInbound(upgradeRequest("/"));
    response(ch);

    ch.writeInbound(clientBytes(new TextWebSocketFrame("y".repeat(65))));

    assertThat(messages.texts).isEmpty();
    assertThat(messages.failures)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessageContaining("Max frame length of 64"));
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void nonPositiveLimits_areRefused() {
    assertThatThrownBy(
            () -> new WebSocketServerPipeline(Duration.ZERO, Duration.ofSeconds(1), 1, 1))
        .hasMessageContaining("keepaliveTimeout");
    assertThatThrownBy(
            () -> new WebSocketServerPipeline(Duration.ofSeconds(1), Duration.ofSeconds(-1), 1, 1))
        .hasMessageContaining("writeDeadline");
    assertThatThrownBy(
            () -> new WebSocketServerPipeline(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 1))
        .hasMessageContaining("byte limits");
  }
}
