package dev.edgetrust.cloudhub.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The CloudHub as a gateway in front of cloudcore: where cloudcore's CloudHub is, the TLS material
 * to reach it, and the bounds of every relayed session.
 *
 * @param server cloudcore's WebSocket endpoint
 * @param caFile cloudcore's CA: its server certificate must chain to it and name {@code server}'s
 *     host
 * @param certFile the gateway's client certificate, signed by cloudcore's CA (cloudcore checks only
 *     the chain and takes the node from the {@code node_id} header)
 * @param keyFile its private key (0600)
 * @param dialTimeout TCP connect, TLS and WebSocket upgrade to cloudcore must be done within this
 * @param maxBufferedBytes bytes one session may hold in one direction (messages read from one leg
 *     and not yet taken by the other); past it the session is closed. At least the largest message
 *     ({@link #MAX_MESSAGE_BYTES}), since a message is held whole
 * @param dialBackoff after a failed dial, no session dials again for this long; doubled after each
 *     further failure
 * @param maxDialBackoff the longest wait between two dials while cloudcore stays unreachable
 */
public record UpstreamSettings(
    UpstreamServer server,
    Path caFile,
    Path certFile,
    Path keyFile,
    Duration dialTimeout,
    int maxBufferedBytes,
    Duration dialBackoff,
    Duration maxDialBackoff) {
  /**
   * The largest message relayed either way (the CloudHub's own limit, 4 MiB): a smaller cap could
   * never hold one.
   */
  public static final int MAX_MESSAGE_BYTES = 4 << 20;

  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(10);

  /** Two of the largest messages: one being written, one being read. */
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 8 << 20;

  public static final Duration DEFAULT_DIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_DIAL_BACKOFF = Duration.ofSeconds(30);

  public UpstreamSettings {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    requirePositive("dialTimeout", dialTimeout);
    requirePositive("dialBackoff", dialBackoff);
    requirePositive("maxDialBackoff", maxDialBackoff);
    if (maxBufferedBytes < MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "'maxBufferedBytes' must be at least "
              + MAX_MESSAGE_BYTES
              + " (the largest message), was "
              + maxBufferedBytes);
    }
    if (maxDialBackoff.compareTo(dialBackoff) < 0) {
      throw new IllegalArgumentException(
          "'maxDialBackoff' ("
              + maxDialBackoff
              + ") must not be shorter than 'dialBackoff' ("
              + dialBackoff
              + ")");
    }
  }

  /** {@code server} with the given TLS files and every bound at its default. */
  public static UpstreamSettings of(
      UpstreamServer server, Path caFile, Path certFile, Path keyFile) {
    return new UpstreamSettings(
        server,
        caFile,
        certFile,
        keyFile,
        DEFAULT_DIAL_TIMEOUT,
        DEFAULT_MAX_BUFFERED_BYTES,
        DEFAULT_DIAL_BACKOFF,
        DEFAULT_MAX_DIAL_BACKOFF);
  }

  public UpstreamSettings withDialTimeout(Duration value) {
    return new UpstreamSettings(
        server, caFile, certFile, keyFile, value, maxBufferedBytes, dialBackoff, maxDialBackoff);
  }

  public UpstreamSettings withMaxBufferedBytes(int value) {
    return new UpstreamSettings(
        server, caFile, certFile, keyFile, dialTimeout, value, dialBackoff, maxDialBackoff);
  }

  public UpstreamSettings withDialBackoff(Duration first, Duration max) {
    return new UpstreamSettings(
        server, caFile, certFile, keyFile, dialTimeout, maxBufferedBytes, first, max);
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("'" + name + "' must be longer than 0, was " + d);
    }
  }
}
