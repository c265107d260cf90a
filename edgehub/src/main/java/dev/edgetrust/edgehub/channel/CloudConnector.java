package dev.edgetrust.edgehub.channel;

import dev.edgetrust.edgehub.config.EdgeHubSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Dials the CloudHub as edgecore does: {@code wss://<server>/<projectID>/<node>/events} with the
 * headers {@code node_id}, {@code project_id} and {@code ConnectionUse: msg}, over mutual TLS.
 *
 * <p>Pipeline, one job per handler: TLS (host name checked) · write deadline · dead-connection read
 * timeout · HTTP · WebSocket upgrade · frame reassembly · message ⇄ frame · heartbeat · session
 * events.
 */
public final class CloudConnector {
  /** KubeEdge messages can carry whole pod specs; bounded all the same. */
  static final int MAX_MESSAGE_BYTES = 8 << 20;

  private final EventLoopGroup group;
  private final EdgeHubSettings settings;
  private final String peer;

  public CloudConnector(EventLoopGroup group, EdgeHubSettings settings) {
    this.group = Objects.requireNonNull(group, "group");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.peer = settings.websocket().server().authority();
  }

  /**
   * Starts a connection. The listener hears {@code opened} once the upgrade succeeds and {@code
   * closed} when the session ends or fails to come up.
   */
  public CloudSession connect(SslContext tls, SessionListener listener) {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(listener, "listener");
    FailureDescriber describer =
        new FailureDescriber(
            peer, settings.deadConnectionTimeout(), settings.websocket().writeDeadline());
    // The session exists before its channel: when called on the event loop, registration (and
    // so the pipeline set-up that needs the session) runs inside connect().
    CloudSession session = new CloudSession(peer, tls);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) settings.websocket().handshakeTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    pipeline(ch.pipeline(), tls, session, listener, describer);
                  }
                });
    ChannelFuture connect =
        bootstrap.connect(
            settings.websocket().server().host(), settings.websocket().server().port());
    Channel channel = connect.channel();
    session.attach(channel);
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            session.fail(describer.describe(f.cause()));
            channel.close();
          }
        });
    // Report the close a turn later, so that a connect failure completing just after the close
    // has recorded its reason first.
    channel
        .closeFuture()
        .addListener(
            f -> {
              try {
                channel.eventLoop().execute(() -> listener.closed(session, reason(session)));
              } catch (RejectedExecutionException shuttingDown) {
                listener.closed(session, reason(session));
              }
            });
    return session;
  }

  private static String reason(CloudSession session) {
    return session.failure() != null
        ? session.failure()
        : "the connection to " + session.peer() + " closed";
  }

  private void pipeline(
      ChannelPipeline p,
      SslContext tls,
      CloudSession session,
      SessionListener listener,
      FailureDescriber describer) {
    SslHandler ssl =
        tls.newHandler(
            p.channel().alloc(),
            settings.websocket().server().host(),
            settings.websocket().server().port());
    ssl.setHandshakeTimeoutMillis(settings.websocket().handshakeTimeout().toMillis());
    p.addLast("tls", ssl);
    p.addLast(
        "write-deadline",
        new WriteTimeoutHandler(
            settings.websocket().writeDeadline().toMillis(), TimeUnit.MILLISECONDS));
    p.addLast(
        "dead-connection",
        new ReadTimeoutHandler(settings.deadConnectionTimeout().toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("http", new HttpClientCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(64 * 1024));
    p.addLast("websocket", new WebSocketClientProtocolHandler(webSocketConfig()));
    p.addLast("frame-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
    p.addLast("messages", new MessageFrameCodec());
    p.addLast("heartbeat", new HeartbeatHandler(settings.heartbeat()));
    p.addLast("session", new SessionHandler(session, listener, describer));
  }

  private WebSocketClientProtocolConfig webSocketConfig() {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("node_id", settings.nodeName().value());
    headers.set("project_id", settings.projectId());
    // cloudcore starts its read loop only for exactly "msg" ("str" = raw data): anything else and
    // nothing reads the socket (DESIGN.md §3).
    headers.set("ConnectionUse", "msg");
    return WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(settings.webSocketUri())
        .version(WebSocketVersion.V13)
        .customHeaders(headers)
        .maxFramePayloadLength(MAX_MESSAGE_BYTES)
        .handshakeTimeoutMillis(settings.websocket().handshakeTimeout().toMillis())
        // Close frames from the CloudHub reach the session handler, which reports why.
        .handleCloseFrames(false)
        .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
        .forceCloseTimeoutMillis(settings.websocket().writeDeadline().toMillis())
        .generateOriginHeader(false)
        .build();
  }
}
