package dev.edgetrust.cloudhub.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/** The short replies KubeEdge's clients expect: a status and one line of text, or a DER body. */
public final class HttpReplies {
  private HttpReplies() {}

  /** Replies with a one-line text body and closes the connection. */
  public static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
    ctx.writeAndFlush(refusal(status, message)).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * As {@link #refuse}, telling the client when to ask again ({@code Retry-After}, whole seconds).
   */
  public static void refuse(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      String message,
      long retryAfterSeconds) {
    FullHttpResponse response = refusal(status, message);
    response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static FullHttpResponse refusal(HttpResponseStatus status, String message) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    date(response);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  /** The server's time (RFC 9110 §6.6.1): what lets an edge see that its own clock is off. */
  // Netty's DateFormatter formats a java.util.Date only.
  @SuppressWarnings("JavaUtilDate")
  private static void date(FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
  }

  /** Replies 200 with raw bytes. */
  public static void ok(
      ChannelHandlerContext ctx, String contentType, byte[] body, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    date(response);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var future = ctx.writeAndFlush(response);
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
