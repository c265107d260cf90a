package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.cloudhub.config.UpstreamServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, one TCP connect and TLS handshake with cloudcore, then a close: one log line says
 * whether cloudcore is reachable and accepts the gateway certificate. It opens no WebSocket session
 * (cloudcore would take that for a node). Never stops the CloudHub: a failure only tells the dial
 * gate, so the first edge sessions do not all dial a cloudcore known to be down.
 */
final class UpstreamProbe {
  private static final Logger log = LoggerFactory.getLogger(UpstreamProbe.class);

  private UpstreamProbe() {}

  static void run(
      EventLoopGroup group,
      UpstreamServer server,
      SslContext tls,
      Duration timeout,
      DialGate gate) {
    ChannelFuture connect =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .handler(new Initializer(server, tls, timeout, gate))
            .connect(server.host(), server.port());
    connect.addListener(new ConnectOutcome(server, gate));
  }

  private static final class Initializer extends ChannelInitializer<SocketChannel> {
    private final UpstreamServer server;
    private final SslContext tls;
    private final Duration timeout;
    private final DialGate gate;

    Initializer(UpstreamServer server, SslContext tls, Duration timeout, DialGate gate) {
      this.server = server;
      this.tls = tls;
      this.timeout = timeout;
      this.gate = gate;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
      SslHandler ssl = tls.newHandler(ch.alloc(), server.host(), server.port());
      ssl.setHandshakeTimeoutMillis(timeout.toMillis());
      ch.pipeline().addLast("tls", ssl);
      ch.pipeline().addLast("outcome", new HandshakeOutcome(server, gate));
    }
  }

  /** Logs how the TLS handshake went, then closes. */
  private static final class HandshakeOutcome extends ChannelInboundHandlerAdapter {
    private final UpstreamServer server;
    private final DialGate gate;

    HandshakeOutcome(UpstreamServer server, DialGate gate) {
      this.server = server;
      this.gate = gate;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (done.isSuccess()) {
          log.info("upstream {} is reachable and accepts the gateway certificate", server);
        } else {
          gate.failed();
          log.warn(
              "upstream {} is not usable now ({}); edge sessions are closed until it is",
              server,
              UpstreamFailure.describe(server, done.cause()));
        }
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // The handshake outcome above has said it; the rest is the close.
      ctx.close();
    }
  }

  private static final class ConnectOutcome implements ChannelFutureListener {
    private final UpstreamServer server;
    private final DialGate gate;

    ConnectOutcome(UpstreamServer server, DialGate gate) {
      this.server = server;
      this.gate = gate;
    }

    @Override
    public void operationComplete(ChannelFuture future) {
      if (!future.isSuccess()) {
        gate.failed();
        log.warn(
            "upstream {} is not reachable now ({}); edge sessions are closed until it is",
            server,
            UpstreamFailure.describe(server, future.cause()));
      }
    }
  }
}
