package dev.edgetrust.cloudhub;

import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The CloudHub's TLS material — its certificate and the CAs it trusts — and the immutable Netty
 * contexts built from it. A context is a factory for per-connection engines, so replacing the
 * material is one reference swap: the next handshake gets the new certificate, handshakes in flight
 * finish on the old one.
 *
 * <p>Node certificates are checked by a trust manager made from the trust anchors by {@code
 * clientTrust} (chain, then revocation and blocks); it reads the current revocation state on each
 * handshake, so a block never needs a new context. The admin API is not served from here: it has an
 * identity of its own, which no node can obtain ({@code admin.AdminServerIdentity}).
 */
public final class ServerTls {
  private record Material(
      HeldCertificate server,
      List<X509Certificate> trust,
      SslContext websocket,
      SslContext bootstrap) {}

  private final Function<List<X509Certificate>, TrustManager> clientTrust;
  private final AtomicReference<Material> current;

  private ServerTls(Function<List<X509Certificate>, TrustManager> clientTrust, Material material) {
    this.clientTrust = clientTrust;
    this.current = new AtomicReference<>(material);
  }

  static ServerTls of(HeldCertificate server, List<X509Certificate> trust) throws SSLException {
    return of(server, trust, null);
  }

  /**
   * @param clientTrust makes the node-facing trust manager from the anchors; {@code null} for plain
   *     chain validation
   */
  static ServerTls of(
      HeldCertificate server,
      List<X509Certificate> trust,
      Function<List<X509Certificate>, TrustManager> clientTrust)
      throws SSLException {
    return new ServerTls(clientTrust, build(server, trust, clientTrust));
  }

  /**
   * Serves {@code server} and trusts {@code trust} from the next handshake on.
   *
   * @throws SSLException if no context can be built from them; the current material stays
   */
  void replace(HeldCertificate server, List<X509Certificate> trust) throws SSLException {
    current.set(build(server, trust, clientTrust));
  }

  private static Material build(
      HeldCertificate server,
      List<X509Certificate> trust,
      Function<List<X509Certificate>, TrustManager> clientTrust)
      throws SSLException {
    List<X509Certificate> anchors = List.copyOf(trust);
    return new Material(
        server,
        anchors,
        // WebSocket: a client certificate chaining to the trust anchors is required.
        nodeFacing(server, anchors, clientTrust).clientAuth(ClientAuth.REQUIRE).build(),
        // Bootstrap: first enrollment has only a token, so a certificate is optional; one that is
        // presented must still chain, be valid and not be revoked, or the handshake fails.
        nodeFacing(server, anchors, clientTrust).clientAuth(ClientAuth.OPTIONAL).build());
  }

  private static SslContextBuilder nodeFacing(
      HeldCertificate server,
      List<X509Certificate> anchors,
      Function<List<X509Certificate>, TrustManager> clientTrust) {
    SslContextBuilder builder = base(server);
    // A fresh trust manager per context: it holds the anchors of this material only.
    return clientTrust == null
        ? builder.trustManager(anchors)
        : builder.trustManager(clientTrust.apply(anchors));
  }

  private static SslContextBuilder base(HeldCertificate server) {
    return SslContextBuilder.forServer(server.privateKey(), server.chain())
        .sslProvider(SslProvider.JDK)
        .protocols(TlsProtocols.supported());
  }

  SslContext websocket() {
    return current.get().websocket();
  }

  SslContext bootstrap() {
    return current.get().bootstrap();
  }

  HeldCertificate server() {
    return current.get().server();
  }

  List<X509Certificate> trust() {
    return current.get().trust();
  }
}
