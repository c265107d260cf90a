package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.pki.NodeName;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The client certificate the local peer presented, already verified against the local CA by TLS.
 */
final class LocalPeer {
  private LocalPeer() {}

  static Optional<X509Certificate> certificate(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509
          ? Optional.of(x509)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** The node a certificate names, if it names one. */
  static Optional<NodeName> node(X509Certificate certificate) {
    try {
      return Optional.of(NodeName.fromCertificate(certificate));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
