package dev.edgetrust.edgehub.channel;

import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.tls.TlsProtocols;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * The TLS client context a node dials the CloudHub with: its key and certificate, the pinned CA as
 * the only trust anchor, TLS 1.2+, and the server's host name or IP checked against its
 * certificate. Immutable; a renewal builds a new one and swaps the reference.
 */
public final class ClientTls {
  private ClientTls() {}

  public static SslContext context(NodeCredentials credentials) throws SSLException {
    return SslContextBuilder.forClient()
        .keyManager(credentials.held().privateKey(), credentials.held().chain())
        .trustManager(credentials.ca())
        .protocols(TlsProtocols.supported())
        // Explicit, not left to a library default: the server must be who 'websocket.server' names.
        .endpointIdentificationAlgorithm("HTTPS")
        .build();
  }
}
