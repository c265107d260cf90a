package dev.edgetrust.tls;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Why a connection or handshake failed, in words fit for a log line at any level: a classification
 * ("plain HTTP request, not TLS", "not TLS", a TLS reason), never the bytes the peer sent.
 *
 * <p>Netty's own messages are not fit: {@link NotSslRecordException} carries a hex dump of the
 * first record, which for a plain-HTTP request to a TLS port is the request itself, bearer token
 * included; HTTP decoder errors quote the header or request line they choke on. So only messages
 * made by the JDK's TLS stack and certificate checks (alerts, path validation, timeouts) are kept;
 * of anything else only the kind of exception is told.
 */
public final class TransportFailure {
  private static final Pattern HTTP_METHOD =
      Pattern.compile("^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH|CONNECT|TRACE|PRI) ");
  private static final int MAX_LENGTH = 300;

  private TransportFailure() {}

  /** One line, without payload bytes. */
  public static String describe(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof NotSslRecordException notTls) {
        return classifyNotTls(notTls);
      }
    }
    Throwable root = root(failure);
    if (failure instanceof ReadTimeoutException || root instanceof ReadTimeoutException) {
      return "read timed out";
    }
    if (failure instanceof WriteTimeoutException || root instanceof WriteTimeoutException) {
      return "write timed out";
    }
    // The JDK's TLS engine and certificate checks describe alerts, certificates and protocols,
    // never application data; the reason is worth keeping.
    if (root instanceof SSLException
        || root instanceof GeneralSecurityException
        || (failure instanceof SSLException && !(root instanceof DecoderException))) {
      return root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
    }
    if (root instanceof IOException
        && !(root instanceof DecoderException)
        && root.getClass().getName().startsWith("java.")) {
      // "Connection reset", "Broken pipe": the socket's words.
      return root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
    }
    // A decoder's complaint (a malformed request line or header, an oversized frame) may quote
    // what it read: the kind of failure only.
    return "malformed input (" + root.getClass().getSimpleName() + ")";
  }

  /**
   * Why a connection to {@code authority} ({@code host:port}) could not be opened, in the words an
   * operator acts on: "connection refused by 127.0.0.1:8200". The one wording for every client
   * (Vault, CFSSL, enrollment, the admin API, the edge's session): the JDK's HTTP client reports a
   * refused connection as a {@code ConnectException} without a message around a {@code
   * ClosedChannelException}, which told as such sends the operator looking for a bug.
   */
  public static String connectFailure(String authority, Throwable failure) {
    return switch (ConnectProblem.of(failure)) {
      case REFUSED -> "connection refused by " + authority;
      case UNRESOLVED -> "cannot resolve the host of " + authority + " (check the name and DNS)";
      case TIMED_OUT -> "no answer from " + authority + " within the connect timeout";
      case NO_ROUTE -> "no route to " + authority + " (check the address and the network)";
      case OTHER -> "cannot connect to " + authority + ": " + describe(failure);
    };
  }

  /** What stopped a connection from opening, as far as the exceptions tell. */
  private enum ConnectProblem {
    REFUSED,
    UNRESOLVED,
    TIMED_OUT,
    NO_ROUTE,
    OTHER;

    static ConnectProblem of(Throwable failure) {
      for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
        String message = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
        if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
          return UNRESOLVED;
        }
        if (c instanceof NoRouteToHostException || message.contains("no route to host")) {
          return NO_ROUTE;
        }
        if (c instanceof HttpConnectTimeoutException
            || c instanceof ConnectTimeoutException
            || c instanceof SocketTimeoutException
            || message.contains("timed out")) {
          return TIMED_OUT;
        }
        if (message.contains("connection refused")) {
          return REFUSED;
        }
      }
      // The JDK's HTTP client: a ConnectException with no words of its own, the channel it could
      // not connect closed beneath it.
      for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
        if (c instanceof ConnectException && c.getCause() instanceof ClosedChannelException) {
          return REFUSED;
        }
      }
      return OTHER;
    }
  }

  /**
   * Reads the first few bytes back from Netty's hex dump only to classify them; they are never part
   * of the result.
   */
  private static String classifyNotTls(NotSslRecordException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int colon = message.lastIndexOf(": ");
    String hex = colon < 0 ? "" : message.substring(colon + 2).trim();
    try {
      int n = Math.min(hex.length() / 2, 8) * 2;
      String start =
          new String(HexFormat.of().parseHex(hex.substring(0, n)), StandardCharsets.ISO_8859_1);
      if (HTTP_METHOD.matcher(start.toUpperCase(Locale.ROOT)).find()) {
        return "plain HTTP request, not TLS (use https://)";
      }
    } catch (IllegalArgumentException | IndexOutOfBoundsException ignored) {
      // Not a dump we can read: still not TLS.
    }
    return "not TLS (the first bytes are no TLS record)";
  }

  private static Throwable root(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String line = message.replaceAll("[\\r\\n\\t]+", " ").strip();
    return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) + "…" : line;
  }
}
