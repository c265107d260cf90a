package dev.edgetrust.cloudhub.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a slow client may take; not in the file (KubeEdge has no such keys), set in code by tests.
 *
 * @param tlsHandshakeTimeout a TLS handshake not done by then is abandoned (Netty's default, 10 s)
 * @param requestTimeout a bootstrap request, or the WebSocket upgrade, not complete this long after
 *     the connection opened (or after the previous answer) is cut off: 30 s
 */
public record Limits(Duration tlsHandshakeTimeout, Duration requestTimeout) {
  public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30));

  public Limits {
    requirePositive("tlsHandshakeTimeout", tlsHandshakeTimeout);
    requirePositive("requestTimeout", requestTimeout);
  }

  public Limits withTlsHandshakeTimeout(Duration value) {
    return new Limits(value, requestTimeout);
  }

  public Limits withRequestTimeout(Duration value) {
    return new Limits(tlsHandshakeTimeout, value);
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
