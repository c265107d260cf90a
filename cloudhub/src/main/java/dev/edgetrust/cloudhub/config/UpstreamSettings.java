package dev.edgetrust.cloudhub.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * edgetrust: {@code upstream}, the CloudHub as a gateway in front of cloudcore: where cloudcore's
 * CloudHub is, the TLS material to reach it, and the bounds of every relayed session. Off unless
 * {@code enable} is true; {@link CloudHubSettings#upstream()} holds it only when on, so that every
 * one it holds has its server and files.
 *
 * @param enable whether the CloudHub is a gateway (false unless written true)
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
    Boolean enable,
    UpstreamServer server,
    Path caFile,
    Path certFile,
    Path keyFile,
    Duration dialTimeout,
    Integer maxBufferedBytes,
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
    enable = enable != null && enable;
    if (enable) {
      required("server", server);
      required("caFile", caFile);
      required("certFile", certFile);
      required("keyFile", keyFile);
    }
    // Checked whether on or off, so that a mistake is reported before the day it is turned on.
    dialTimeout = Objects.requireNonNullElse(dialTimeout, DEFAULT_DIAL_TIMEOUT);
    maxBufferedBytes = Objects.requireNonNullElse(maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES);
    dialBackoff = Objects.requireNonNullElse(dialBackoff, DEFAULT_DIAL_BACKOFF);
    maxDialBackoff = Objects.requireNonNullElse(maxDialBackoff, DEFAULT_MAX_DIAL_BACKOFF);
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
    return new UpstreamSettings(true, server, caFile, certFile, keyFile, null, null, null, null);
  }

  public UpstreamSettings withDialTimeout(Duration value) {
    return new UpstreamSettings(
        enable,
        server,
        caFile,
        certFile,
        keyFile,
        value,
        maxBufferedBytes,
        dialBackoff,
        maxDialBackoff);
  }

  public UpstreamSettings withMaxBufferedBytes(int value) {
    return new UpstreamSettings(
        enable, server, caFile, certFile, keyFile, dialTimeout, value, dialBackoff, maxDialBackoff);
  }

  public UpstreamSettings withDialBackoff(Duration first, Duration max) {
    return new UpstreamSettings(
        enable, server, caFile, certFile, keyFile, dialTimeout, maxBufferedBytes, first, max);
  }

  private static void required(String key, Object value) {
    if (value == null) {
      throw new IllegalArgumentException("'" + key + "' is required when 'enable' is true");
    }
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("'" + name + "' must be longer than 0, was " + d);
    }
  }
}
