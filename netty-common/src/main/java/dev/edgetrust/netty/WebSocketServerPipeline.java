package dev.edgetrust.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * KubeEdge's WebSocket, server side, as both hubs serve it (the CloudHub to its edges, the
 * EdgeHub's gateway to a stock edgecore on loopback). After the hub's TLS handler it adds, in three
 * steps so that each hub puts its own handlers between them:
 *
 * <ol>
 *   <li>{@link #addHttp}: a keepalive timeout (no read for {@code keepaliveTimeout}: an {@code
 *       IdleStateEvent} the session answers), a write deadline, HTTP, and the upgrade request
 *       aggregated up to {@code maxUpgradeRequestBytes}. The hub's upgrade checks go after it.
 *   <li>{@link #addUpgrade}: the upgrade at any path (cloudcore registers {@code /} and ignores the
 *       path; the hub's checks have looked at it), close frames answered, frames up to {@code
 *       maxMessageBytes}.
 *   <li>{@link #addMessages}: fragmented messages reassembled up to {@code maxMessageBytes}. The
 *       hub's session handler goes after it.
 * </ol>
 *
 * @param keepaliveTimeout how long a connection may stay silent
 * @param writeDeadline how long a write may take before the connection is closed
 * @param maxUpgradeRequestBytes the largest HTTP request before the upgrade (a 413 above it)
 * @param maxMessageBytes the largest KubeEdge message, in one frame or reassembled
 */
public record WebSocketServerPipeline(
    Duration keepaliveTimeout,
    Duration writeDeadline,
    int maxUpgradeRequestBytes,
    int maxMessageBytes) {

  public WebSocketServerPipeline {
    if (keepaliveTimeout.isNegative() || keepaliveTimeout.isZero()) {
      throw new IllegalArgumentException("keepaliveTimeout must be positive: " + keepaliveTimeout);
    }
    if (writeDeadline.isNegative() || writeDeadline.isZero()) {
      throw new IllegalArgumentException("writeDeadline must be positive: " + writeDeadline);
    }
    if (maxUpgradeRequestBytes <= 0 || maxMessageBytes <= 0) {
      throw new IllegalArgumentException("byte limits must be positive");
    }
  }

  /** Keepalive timeout, write deadline, HTTP and the aggregated upgrade request. */
  public void addHttp(ChannelPipeline p) {
    p.addLast(
        "keepalive-timeout",
        new IdleStateHandler(keepaliveTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast(
        "write-deadline", new WriteTimeoutHandler(writeDeadline.toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("http", new HttpServerCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(maxUpgradeRequestBytes));
  }

  /** The WebSocket upgrade and its frames. */
  public void addUpgrade(ChannelPipeline p) {
    p.addLast(
        "websocket",
        new WebSocketServerProtocolHandler(
            WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .handleCloseFrames(true)
                .decoderConfig(
                    WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(maxMessageBytes)
                        .build())
                .build()));
  }

  /** Whole messages out of fragments. */
  public void addMessages(ChannelPipeline p) {
    p.addLast("frame-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
  }
}
