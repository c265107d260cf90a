package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.cloudhub.config.UpstreamServer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/** Turns what broke the upstream leg into one line for the gateway's log (never for the edge). */
final class UpstreamFailure {
  private UpstreamFailure() {}

  static String describe(UpstreamServer server, Throwable cause) {
    if (cause instanceof ReadTimeoutException) {
      return "nothing from the upstream "
          + server
          + " for three keepalive intervals, not even a pong: the connection is dead";
    }
    if (cause instanceof WriteTimeoutException) {
      return "a write to the upstream " + server + " timed out";
    }
    if (cause instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
      return "the upstream "
          + server
          + " refused the WebSocket upgrade: "
          + refused.response().status();
    }
    if (cause instanceof WebSocketHandshakeException handshake) {
      return "WebSocket upgrade with the upstream " + server + " failed: " + firstLine(handshake);
    }
    if (cause instanceof ConnectTimeoutException) {
      return "cannot connect to the upstream " + server + ": timed out";
    }
    if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
      return "cannot connect to the upstream " + server + ": " + firstLine(cause);
    }
    Throwable tls = find(cause, SSLException.class);
    if (tls != null) {
      Throwable certificate = find(tls, CertificateException.class);
      return "TLS with the upstream "
          + server
          + " failed: "
          + firstLine(certificate != null ? certificate : tls);
    }
    return "the connection to the upstream " + server + " failed: " + firstLine(cause);
  }

  private static Throwable find(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
