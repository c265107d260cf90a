package dev.edgetrust.edgehub.channel;

import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KubeEdge message per text frame, both ways. Empty messages (edgecore's goodbye) and frames
 * that are not a message are dropped, as KubeEdge drops them, instead of ending the session. Close
 * frames pass through for the session to report.
 */
final class MessageFrameCodec extends MessageToMessageCodec<WebSocketFrame, Message> {
  private static final Logger log = LoggerFactory.getLogger(MessageFrameCodec.class);

  @Override
  protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
    out.add(new TextWebSocketFrame(MessageCodec.encodeFrame(message)));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof CloseWebSocketFrame) {
      out.add(frame.retain());
      return;
    }
    if (!(frame instanceof TextWebSocketFrame text)) {
      log.warn(
          "dropping a {} from the CloudHub: messages come as text frames",
          frame.getClass().getSimpleName());
      return;
    }
    String json = text.text();
    if (json.isBlank()) {
      return;
    }
    Message message;
    try {
      message = MessageCodec.decode(json);
    } catch (IllegalArgumentException e) {
      log.warn("dropping a frame from the CloudHub that is not a message: {}", e.getMessage());
      return;
    }
    if (!message.isEmpty()) {
      out.add(message);
    }
  }
}
