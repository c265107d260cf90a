package dev.edgetrust.cloudhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A healthy edgecore's routine traffic logs at DEBUG (an idle keep-alive closed after its deadline,
 * a TCP port probe); a refusal or a stalled request keeps its INFO line and reason.
 */
class QuietLogsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final List<Logger> loggers =
      List.of(
          (Logger) LoggerFactory.getLogger(ConnectionDeadline.class),
          (Logger) LoggerFactory.getLogger(TlsHandshakeLogger.class));

  @BeforeEach
  void capture() {
    events.start();
    for (Logger logger : loggers) {
      logger.setLevel(Level.DEBUG);
      logger.addAppender(events);
    }
  }

  @AfterEach
  void release() {
    for (Logger logger : loggers) {
      logger.detachAppender(events);
      logger.setLevel(null);
    }
  }

  /** What a bootstrap listener runs after TLS: HTTP, the per-request deadline, an answer. */
  private static EmbeddedChannel httpServer() {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new HttpServerCodec(),
            ConnectionDeadline.perRequest(DEADLINE, "bootstrap"),
            new HttpObjectAggregator(1024),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                DefaultFullHttpResponse ok =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                ok.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(ok);
              }
            });
    channel.freezeTime();
    return channel;
  }

  private static void send(EmbeddedChannel channel, String bytes) {
    channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
  }

  private void pastTheDeadline(EmbeddedChannel channel) {
    channel.advanceTimeBy(DEADLINE.toMillis() + 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  private List<ILoggingEvent> closings() {
    return events.list.stream().filter(e -> e.getFormattedMessage().startsWith("closing")).toList();
  }

  @Test
  void idleKeepAliveAfterAnAnswer_isClosedAtTheDeadline_andLoggedAtDebug() {
    EmbeddedChannel channel = httpServer();
    send(channel, "GET /ca.crt HTTP/1.1\r\nHost: cloudhub\r\n\r\n");
    assertThat(channel.outboundMessages()).isNotEmpty();

    pastTheDeadline(channel);

    assertThat(channel.isOpen()).isFalse();
    assertThat(closings())
        .singleElement()
        .extracting(ILoggingEvent::getLevel)
        .isEqualTo(Level.DEBUG);
    assertThat(closings().get(0).getFormattedMessage()).contains("idle keep-alive");
  }

  @Test
  void requestStalledMidBody_isClosedAtTheDeadline_andStaysInfo() {
    EmbeddedChannel channel = httpServer();
    send(channel, "GET /ca.crt HTTP/1.1\r\nHost: cloudhub\r\n\r\n");
    send(channel, "POST /edge.crt HTTP/1.1\r\nHost: cloudhub\r\nContent-Length: 100\r\n\r\nab");

    pastTheDeadline(channel);

    assertThat(channel.isOpen()).isFalse();
    assertThat(closings())
        .singleElement()
        .extracting(ILoggingEvent::getLevel)
        .isEqualTo(Level.INFO);
    assertThat(closings().get(0).getFormattedMessage()).contains("no complete request within");
  }

  @Test
  void connectionThatNeverSentARequest_staysInfo() {
    EmbeddedChannel channel = httpServer();

    pastTheDeadline(channel);

    assertThat(channel.isOpen()).isFalse();
    assertThat(closings())
        .singleElement()
        .extracting(ILoggingEvent::getLevel)
        .isEqualTo(Level.INFO);
  }

  @Test
  void closedBeforeAnyTlsByte_isAPortProbe_loggedAtDebug() {
    EmbeddedChannel channel = new EmbeddedChannel(new TlsHandshakeLogger("bootstrap"));

    channel
        .pipeline()
        .fireUserEventTriggered(new SslHandshakeCompletionEvent(new ClosedChannelException()));

    assertThat(events.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
              assertThat(e.getFormattedMessage()).contains("closed before any TLS byte");
            });
  }

  @Test
  void refusedHandshakeAfterBytes_staysInfo_withItsReason() {
    EmbeddedChannel channel = new EmbeddedChannel(new TlsHandshakeLogger("bootstrap"));
    send(channel, "\u0016\u0003\u0001");

    channel
        .pipeline()
        .fireUserEventTriggered(
            new SslHandshakeCompletionEvent(
                new SSLHandshakeException("Received fatal alert: certificate_unknown")));

    assertThat(events.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.INFO);
              assertThat(e.getFormattedMessage())
                  .startsWith("refused bootstrap TLS handshake from")
                  .contains("certificate_unknown");
            });
  }

  @Test
  void silentUntilTheHandshakeDeadline_staysInfo() {
    EmbeddedChannel channel = new EmbeddedChannel(new TlsHandshakeLogger("bootstrap"));

    channel
        .pipeline()
        .fireUserEventTriggered(
            new SslHandshakeCompletionEvent(
                new io.netty.handler.ssl.SslHandshakeTimeoutException(
                    "handshake timed out after 10000ms")));

    assertThat(events.list)
        .singleElement()
        .extracting(ILoggingEvent::getLevel)
        .isEqualTo(Level.INFO);
  }
}
