package dev.edgetrust.edgehub.channel;

import dev.edgetrust.tls.TransportFailure;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Turns what broke a session into one line an operator can act on. */
final class FailureDescriber {
  private final String peer;
  private final Duration deadAfter;
  private final Duration writeDeadline;

  FailureDescriber(String peer, Duration deadAfter, Duration writeDeadline) {
    this.peer = peer;
    this.deadAfter = deadAfter;
    this.writeDeadline = writeDeadline;
  }

  String describe(Throwable cause) {
    if (cause instanceof ReadTimeoutException) {
      return "nothing from the CloudHub "
          + peer
          + " for "
          + deadAfter.toSeconds()
          + " s; the connection is dead";
    }
    if (cause instanceof WriteTimeoutException) {
      return "a write to the CloudHub "
          + peer
          + " took longer than "
          + writeDeadline.toSeconds()
          + " s";
    }
    if (cause instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
      return "the CloudHub "
          + peer
          + " refused the WebSocket upgrade: "
          + refused.response().status();
    }
    if (cause instanceof WebSocketHandshakeException handshake) {
      return "WebSocket handshake with " + peer + " failed: " + handshake.getMessage();
    }
    if (cause instanceof ConnectTimeoutException) {
      return "cannot connect to " + peer + ": timed out";
    }
    if (cause instanceof ConnectException) {
      return "cannot connect to " + peer + ": " + firstLine(cause);
    }
    Throwable tls = find(cause, SSLException.class);
    if (tls != null) {
      Throwable certificate = find(tls, CertificateException.class);
      return "TLS with " + peer + " failed: " + firstLine(certificate != null ? certificate : tls);
    }
    // Not the exception's own words: a decoder's message may quote what the server sent.
    return "connection to " + peer + " failed: " + TransportFailure.describe(cause);
  }

  /**
   * The certificate alerts a server sends when it refuses the client's certificate. The JDK sends
   * {@code certificate_unknown} for all of them; the others are for servers that say more.
   */
  private static final java.util.List<String> CERTIFICATE_ALERTS =
      java.util.List.of(
          "certificate_unknown",
          "certificate_revoked",
          "bad_certificate",
          "certificate_expired",
          "unsupported_certificate",
          "access_denied");

  /** Whether {@code cause} is the CloudHub refusing this node's certificate with an alert. */
  static CredentialVerdict verdict(Throwable cause) {
    Throwable tls = find(cause, SSLException.class);
    if (tls == null) {
      return CredentialVerdict.NONE;
    }
    String message = String.valueOf(tls.getMessage());
    // "Received": the CloudHub sent the alert. This node refusing the CloudHub's certificate
    // reads differently, and says nothing about this node's own certificate.
    if (message.startsWith("Received fatal alert: ")
        && CERTIFICATE_ALERTS.contains(
            message.substring("Received fatal alert: ".length()).strip())) {
      return CredentialVerdict.REFUSED;
    }
    return CredentialVerdict.NONE;
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
