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
import javax.net.ssl.SSLException;

/**
 * The CloudHub's TLS material — its certificate and the CAs it trusts — and the immutable Netty
 * contexts built from it. A context is a factory for per-connection engines, so replacing the
 * material is one reference swap: the next handshake gets the new certificate, handshakes in
 * flight finish on the old one.
 */
public final class ServerTls {
  private record Material(
      HeldCertificate server, List<X509Certificate> trust, SslContext websocket, SslContext bootstrap) {}

  private final AtomicReference<Material> current;

  private ServerTls(Material material) {
    this.current = new AtomicReference<>(material);
  }

  static ServerTls of(HeldCertificate server, List<X509Certificate> trust) throws SSLException {
    return new ServerTls(build(server, trust));
  }

  /**
   * Serves {@code server} and trusts {@code trust} from the next handshake on.
   *
   * @throws SSLException if no context can be built from them; the current material stays
   */
  void replace(HeldCertificate server, List<X509Certificate> trust) throws SSLException {
    current.set(build(server, trust));
  }

  private static Material build(HeldCertificate server, List<X509Certificate> trust) throws SSLException {
    List<X509Certificate> anchors = List.copyOf(trust);
    return new Material(
        server,
        anchors,
        // WebSocket: a client certificate chaining to the trust anchors is required.
        builder(server, anchors).clientAuth(ClientAuth.REQUIRE).build(),
        // Bootstrap: first enrollment has only a token, so a certificate is optional; one that is
        // presented must still chain and be valid, or the handshake fails.
        builder(server, anchors).clientAuth(ClientAuth.OPTIONAL).build());
  }

  private static SslContextBuilder builder(HeldCertificate server, List<X509Certificate> trust) {
    return SslContextBuilder.forServer(server.privateKey(), server.chain())
        .sslProvider(SslProvider.JDK)
        .protocols(TlsProtocols.SUPPORTED)
        .trustManager(trust);
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
