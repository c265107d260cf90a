package dev.edgetrust.edgehub.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local edgecore and the gateway's pipeline joined by two {@link EmbeddedChannel}s instead of a
 * socket: real TLS (the gateway's own server context, the client's certificate if it has one) and
 * real HTTP codecs, with the bytes moved between the two by hand. The handlers under test sit where
 * {@link LocalInitializer} puts them; what they pass on is kept in {@link #passedOn()}.
 */
final class EmbeddedTls implements AutoCloseable {
  private final EmbeddedChannel client;
  private final EmbeddedChannel server;
  private final List<Object> passedOn = new ArrayList<>();

  EmbeddedTls(LocalCa ca, Optional<KeyPair> clientKey, ChannelHandler... underTest)
      throws Exception {
    SslContextBuilder clientTls = SslContextBuilder.forClient().trustManager(ca.certificate());
    if (clientKey.isPresent()) {
      X509Certificate certificate = ca.issueNode(clientKey.get().getPublic());
      clientTls.keyManager(clientKey.get().getPrivate(), certificate);
    }
    SslContext serverTls = EdgeGateway.serverTls(ca);
    server = new EmbeddedChannel();
    server.pipeline().addLast("tls", serverTls.newHandler(server.alloc()));
    server.pipeline().addLast("http", new HttpServerCodec());
    server.pipeline().addLast("http-aggregator", new HttpObjectAggregator(1 << 20));
    server.pipeline().addLast(underTest);
    server
        .pipeline()
        .addLast(
            "next",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg);
              }
            });
    // Host name checked, as edgecore checks it: the gateway listens on 127.0.0.1 only.
    client =
        new EmbeddedChannel(
            clientTls.build().newHandler(server.alloc(), "127.0.0.1", 10000),
            new HttpClientCodec(),
            new HttpObjectAggregator(1 << 20));
    pump();
    if (!client.pipeline().get(SslHandler.class).handshakeFuture().isSuccess()) {
      throw new IllegalStateException("the TLS handshake did not complete");
    }
  }

  /**
   * Sends {@code request} as the local edgecore would, and returns the gateway's answer, if any.
   */
  Optional<FullHttpResponse> exchange(FullHttpRequest request) {
    client.writeOutbound(request);
    pump();
    return Optional.ofNullable(client.readInbound());
  }

  /** What the handlers under test passed on to the rest of the pipeline (the WebSocket handler). */
  List<Object> passedOn() {
    return passedOn;
  }

  EmbeddedChannel server() {
    return server;
  }

  private void pump() {
    boolean moved = true;
    while (moved) {
      moved = false;
      for (Object bytes; (bytes = client.readOutbound()) != null; moved = true) {
        server.writeInbound(bytes);
      }
      for (Object bytes; (bytes = server.readOutbound()) != null; moved = true) {
        client.writeInbound(bytes);
      }
      client.runPendingTasks();
      server.runPendingTasks();
    }
  }

  @Override
  public void close() {
    passedOn.forEach(ReferenceCountUtil::release);
    client.finishAndReleaseAll();
    server.finishAndReleaseAll();
  }
}
