package dev.edgetrust.edgehub.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /metrics} on 127.0.0.1 only (a node exporter or agent on the device scrapes it; no one
 * else may), served on the EdgeHub's own event loop: it adds a listening socket, no thread. Every
 * answer closes its connection, so an idle scraper holds nothing open.
 */
public final class EdgeMetricsServer implements AutoCloseable {
  public static final String ADDRESS = "127.0.0.1";
  private static final int MAX_REQUEST_BYTES = 8 << 10;

  private final Channel channel;

  private EdgeMetricsServer(Channel channel) {
    this.channel = channel;
  }

  /**
   * Listens on {@code 127.0.0.1:port} (0: any free port).
   *
   * @throws IOException with one line naming the address when it cannot listen
   */
  public static EdgeMetricsServer start(EventLoopGroup group, int port, EdgeMetrics metrics)
      throws IOException {
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(10, TimeUnit.SECONDS))
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                          .addLast(new Handler(metrics));
                    }
                  })
              .bind(ADDRESS, port)
              .sync()
              .channel();
      return new EdgeMetricsServer(channel);
    } catch (Exception e) {
      String reason =
          e instanceof BindException ? "address already in use" : String.valueOf(e.getMessage());
      throw new IOException(
          "cannot listen for metrics on " + ADDRESS + ":" + port + ": " + reason, e);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final EdgeMetrics metrics;

    Handler(EdgeMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (!request.decoderResult().isSuccess() || !HttpMethod.GET.equals(request.method())) {
        reply(
            ctx, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "use GET /metrics\n");
      } else if (new QueryStringDecoder(request.uri()).rawPath().equals("/metrics")) {
        reply(ctx, HttpResponseStatus.OK, EdgeMetrics.CONTENT_TYPE, metrics.render());
      } else {
        reply(
            ctx,
            HttpResponseStatus.NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found; this server serves /metrics\n");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private static void reply(
        ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
