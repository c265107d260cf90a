package dev.edgetrust.cloudhub.admin;

import dev.edgetrust.cloudhub.CloudHubException;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.cloudhub.TlsHandshakeLogger;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.revocation.NodeAccess;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The CloudHub's admin API: its own HTTPS listener (loopback by default), authenticated by a
 * bearer token or an admin client certificate, serving node list/block/unblock over {@link
 * NodeAccess}.
 */
public final class AdminApi implements AutoCloseable {
  /** Requests are a method and a path; anything larger is not one. */
  private static final int MAX_REQUEST_BYTES = 64 << 10;
  private static final int READ_TIMEOUT_SECONDS = 30;

  private final AdminCredentials credentials;
  private final NodeAccess access;
  private final ExecutorService executor;

  private AdminApi(AdminCredentials credentials, NodeAccess access) {
    this.credentials = credentials;
    this.access = access;
    // One at a time: blocks of the same node must not interleave, and the PKI is not hammered.
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "edgetrust-admin");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Reads the admin credentials the settings name.
   *
   * @throws CloudHubException naming the file if the token or client CA file cannot be used
   */
  public static AdminApi create(CloudHubSettings.Admin settings, NodeAccess access) throws CloudHubException {
    return new AdminApi(AdminCredentials.load(settings), access);
  }

  /** The CAs admin client certificates must chain to (empty: token only). */
  public List<X509Certificate> clientCas() {
    return credentials.clientCas();
  }

  /** The admin listener's pipeline; {@code tls} is read per connection (certificate reloads). */
  public ChannelInitializer<SocketChannel> initializer(Supplier<SslContext> tls) {
    return initializer(tls, HubMetrics.NONE);
  }

  /** As {@link #initializer(Supplier)}, counting the listener's TLS handshakes in {@code metrics}. */
  public ChannelInitializer<SocketChannel> initializer(Supplier<SslContext> tls, HubMetrics metrics) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        // The peer's address goes into the engine, so a refused handshake can say who it was.
        p.addLast("tls", tls.get().newHandler(ch.alloc(), ch.remoteAddress().getHostString(), ch.remoteAddress().getPort()));
        p.addLast("handshake-log", new TlsHandshakeLogger("admin", HubMetrics.Listener.ADMIN, metrics));
        p.addLast("read-timeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        p.addLast("http", new HttpServerCodec());
        p.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        p.addLast("admin", new AdminHandler(credentials, access, executor));
      }
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
