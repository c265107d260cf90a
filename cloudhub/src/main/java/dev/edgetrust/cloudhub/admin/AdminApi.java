package dev.edgetrust.cloudhub.admin;

import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.cloudhub.http.TlsHandshakeLogger;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.revocation.NodeAccess;
import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The CloudHub's admin API: its own HTTPS listener (loopback by default) with its own server
 * identity ({@link AdminServerIdentity}, pinned by the CLI), authenticated by a bearer token or an
 * admin client certificate, serving node list/block/unblock over {@link NodeAccess}.
 */
public final class AdminApi implements AutoCloseable {
  /** Requests are a method and a path; anything larger is not one. */
  private static final int MAX_REQUEST_BYTES = 64 << 10;

  private static final int READ_TIMEOUT_SECONDS = 30;

  private final AdminCredentials credentials;
  private final NodeAccess access;
  private final SslContext tls;
  private final X509Certificate serverCertificate;
  private final ExecutorService executor;

  private AdminApi(
      AdminCredentials credentials,
      NodeAccess access,
      SslContext tls,
      X509Certificate serverCertificate) {
    this.credentials = credentials;
    this.access = access;
    this.tls = tls;
    this.serverCertificate = serverCertificate;
    // One at a time: blocks of the same node must not interleave, and the PKI is not hammered.
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "edgetrust-admin");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Reads the admin credentials the settings name, and loads (or makes) the admin server
   * certificate.
   *
   * @throws CloudHubException naming the file if the token, client CA or server certificate file
   *     cannot be used
   */
  public static AdminApi create(AdminSettings settings, NodeAccess access, Clock clock)
      throws CloudHubException {
    AdminCredentials credentials = AdminCredentials.load(settings);
    HeldCertificate identity = AdminServerIdentity.loadOrCreate(settings, clock);
    SslContextBuilder builder =
        SslContextBuilder.forServer(identity.privateKey(), identity.chain())
            .sslProvider(SslProvider.JDK)
            .protocols(TlsProtocols.supported());
    try {
      SslContext tls =
          credentials.clientCas().isEmpty()
              ? builder.clientAuth(ClientAuth.NONE).build()
              // Optional: a caller without an admin certificate may still present the bearer token.
              : builder
                  .trustManager(credentials.clientCas())
                  .clientAuth(ClientAuth.OPTIONAL)
                  .build();
      return new AdminApi(credentials, access, tls, identity.certificate());
    } catch (SSLException e) {
      throw new CloudHubException("admin API: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** The certificate the admin listener serves (and the CLI pins). */
  public X509Certificate serverCertificate() {
    return serverCertificate;
  }

  /** The admin listener's pipeline, counting its TLS handshakes in {@code metrics}. */
  public ChannelInitializer<SocketChannel> initializer(HubMetrics metrics) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        // The peer's address goes into the engine, so a refused handshake can say who it was.
        p.addLast(
            "tls",
            tls.newHandler(
                ch.alloc(), ch.remoteAddress().getHostString(), ch.remoteAddress().getPort()));
        p.addLast(
            "handshake-log", new TlsHandshakeLogger("admin", HubMetrics.Listener.ADMIN, metrics));
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
