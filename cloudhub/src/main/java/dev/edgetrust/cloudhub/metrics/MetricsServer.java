package dev.edgetrust.cloudhub.metrics;

import dev.edgetrust.tls.TransportFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics listener's pipeline: plain HTTP (a Prometheus scraper and a kubelet probe speak it;
 * the listener is on loopback unless configured otherwise) serving
 *
 * <ul>
 *   <li>{@code GET /metrics}: every metric, Prometheus text format;
 *   <li>{@code GET /healthz}: liveness, 200 while the process and its listeners are up;
 *   <li>{@code GET /readyz}: readiness, 200 when the server certificate is valid now and the
 *       revocation list is usable (not failing closed), with one line saying which list is in force
 *       (fresh from the PKI, or kept on disk by the last run) and how old it is, and a warning when
 *       the server certificate is in the last tenth of its lifetime; 503 otherwise, with the failed
 *       check in one line.
 * </ul>
 *
 * It runs on the CloudHub's own event loops: no thread of its own.
 */
public final class MetricsServer extends ChannelInitializer<SocketChannel> {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  /** A scrape request is a method, a path and a few headers. */
  private static final int MAX_REQUEST_BYTES = 16 << 10;

  private static final int READ_TIMEOUT_SECONDS = 10;

  private final PrometheusHubMetrics metrics;
  private final HubState state;
  private final Clock clock;

  public MetricsServer(PrometheusHubMetrics metrics, HubState state, Clock clock) {
    this.metrics = metrics;
    this.state = state;
    this.clock = clock;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast("read-timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    p.addLast("http", new HttpServerCodec());
    p.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
    p.addLast("metrics", new Handler());
  }

  /** Why the CloudHub is not live, or empty if it is. */
  public Optional<String> notLive() {
    List<String> down = state.listenersDown();
    return down.isEmpty()
        ? Optional.empty()
        : Optional.of("listener(s) not open: " + String.join(", ", down));
  }

  /** Why the CloudHub should not get traffic now, or empty if it should. */
  public Optional<String> notReady() {
    Optional<String> live = notLive();
    if (live.isPresent()) {
      return live;
    }
    Instant now = clock.instant();
    Instant notAfter = state.serverCertificate().getNotAfter().toInstant();
    Instant notBefore = state.serverCertificate().getNotBefore().toInstant();
    if (!now.isBefore(notAfter)) {
      return Optional.of("server certificate expired at " + notAfter);
    }
    if (now.isBefore(notBefore)) {
      return Optional.of("server certificate is not valid before " + notBefore);
    }
    return state.revocationFailingClosed().map(why -> "revocation list unusable: " + why);
  }

  /**
   * What a ready CloudHub says in its one line: which revocation list it runs on, and a warning
   * while its server certificate is in the last tenth of its lifetime.
   */
  public String readiness() {
    StringBuilder line = new StringBuilder("ok");
    state.revocationListInUse().ifPresent(list -> line.append("; ").append(list));
    ServerCertificateExpiry.of(state.serverCertificate(), clock.instant())
        .warning()
        .ifPresent(warning -> line.append("; warning: ").append(warning));
    return line.toString();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (!request.decoderResult().isSuccess()) {
        reply(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n", false);
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (!HttpMethod.GET.equals(request.method())) {
        reply(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n", keepAlive);
        return;
      }
      switch (new QueryStringDecoder(request.uri()).rawPath()) {
        case "/metrics" -> scrape(ctx, keepAlive);
        case "/healthz" -> verdict(ctx, notLive(), "ok", keepAlive);
        case "/readyz" -> verdict(ctx, notReady(), readiness(), keepAlive);
        default ->
            reply(
                ctx,
                HttpResponseStatus.NOT_FOUND,
                "not found; this server serves /metrics, /healthz and /readyz\n",
                keepAlive);
      }
    }

    private void scrape(ChannelHandlerContext ctx, boolean keepAlive) {
      ByteBuf body = ctx.alloc().buffer();
      try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
        metrics.write(out);
      } catch (IOException | RuntimeException e) {
        body.release();
        log.warn("cannot write the metrics: {}", e.toString());
        reply(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot write the metrics\n", false);
        return;
      }
      send(ctx, HttpResponseStatus.OK, metrics.contentType(), body, keepAlive);
    }

    private void verdict(
        ChannelHandlerContext ctx, Optional<String> problem, String ok, boolean keepAlive) {
      // One line: a probe's log shows the body, and a newline inside a reason would split it.
      if (problem.isPresent()) {
        reply(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, oneLine(problem.get()), keepAlive);
      } else {
        reply(ctx, HttpResponseStatus.OK, oneLine(ok), keepAlive);
      }
    }

    private static String oneLine(String text) {
      return text.replaceAll("[\\r\\n]+", " ") + "\n";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug(
          "metrics connection from {} failed: {}",
          ctx.channel().remoteAddress(),
          TransportFailure.describe(cause));
      ctx.close();
    }
  }

  private static void reply(
      ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean keepAlive) {
    send(
        ctx,
        status,
        "text/plain; charset=utf-8",
        Unpooled.copiedBuffer(text, StandardCharsets.UTF_8),
        keepAlive);
  }

  private static void send(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      String contentType,
      ByteBuf body,
      boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
