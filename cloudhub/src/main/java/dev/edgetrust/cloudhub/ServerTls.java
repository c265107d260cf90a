package dev.edgetrust.cloudhub;

import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Builds the CloudHub's immutable TLS contexts. A context is a factory for per-connection
 * engines, so replacing the server certificate or the trust bundle later is a reference swap.
 */
final class ServerTls {
  private ServerTls() {}

  /** WebSocket: a client certificate chaining to {@code trust} is required. */
  static SslContext websocket(HeldCertificate server, List<X509Certificate> trust) throws SSLException {
    return builder(server, trust).clientAuth(ClientAuth.REQUIRE).build();
  }

  /**
   * Bootstrap: a client certificate is optional (first enrollment has only a token); when one is
   * presented it must chain to {@code trust} and be valid, or the handshake fails.
   */
  static SslContext bootstrap(HeldCertificate server, List<X509Certificate> trust) throws SSLException {
    return builder(server, trust).clientAuth(ClientAuth.OPTIONAL).build();
  }

  private static SslContextBuilder builder(HeldCertificate server, List<X509Certificate> trust) {
    return SslContextBuilder.forServer(server.privateKey(), server.chain())
        .sslProvider(SslProvider.JDK)
        .protocols(TlsProtocols.SUPPORTED)
        .trustManager(trust);
  }
}
