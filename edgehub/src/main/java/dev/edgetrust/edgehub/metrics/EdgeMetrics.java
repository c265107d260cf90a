package dev.edgetrust.edgehub.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The EdgeHub's few metrics, in the Prometheus text format (version 0.0.4), written by hand.
 *
 * <p>Why not the Prometheus client library, as the CloudHub uses: the edge runs on small devices
 * and has five unlabelled numbers to show. The library (core, model, config and tracer jars, some
 * 320 KB) reads a properties file at start, keeps a per-metric registry and, for exemplars and
 * native histograms, a scheduler thread; this class is a few volatile fields and one string. With
 * no labels there is nothing to escape, and no value here is ever text from outside.
 *
 * <p>Updated from the EdgeHub's threads; each value is independent, so plain volatile fields
 * suffice.
 */
public final class EdgeMetrics {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private volatile long certificateExpiryMillis = -1;
  private volatile long nextRenewalMillis = -1;
  private volatile long lastRenewalMillis = -1;
  private final AtomicLong renewalFailures = new AtomicLong();
  private volatile boolean connected;
  private final Clock clock;

  /** Since the start, until the first success: how long the node has gone without credentials. */
  private volatile long lastSuccessMillis;

  /**
   * @param clock the EdgeHub's clock, to tell how long ago the last success was
   */
  public EdgeMetrics(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastSuccessMillis = clock.millis();
  }

  /**
   * Usable credentials were obtained at {@code at} (read from disk, enrolled or renewed): the
   * failure streak, if any, is over.
   */
  public void credentialsObtained(Instant at) {
    lastSuccessMillis = at.toEpochMilli();
  }

  /** The certificate in use expires at {@code notAfter}. */
  public void certificate(Instant notAfter) {
    certificateExpiryMillis = notAfter.toEpochMilli();
  }

  /** The next renewal is planned at {@code at}; {@code null}: none is planned (rotation is off). */
  public void nextRenewal(Instant at) {
    nextRenewalMillis = at == null ? -1 : at.toEpochMilli();
  }

  /** A renewal succeeded at {@code at}. */
  public void renewed(Instant at) {
    lastRenewalMillis = at.toEpochMilli();
  }

  /** A renewal (or enrollment) attempt failed; it will be retried. */
  public void renewalFailed() {
    renewalFailures.incrementAndGet();
  }

  public void connected(boolean value) {
    connected = value;
  }

  /** Every metric, in the Prometheus text format; a value not known yet is left out. */
  public String render() {
    StringBuilder out = new StringBuilder(1024);
    gauge(
        out,
        "edgetrust_edgehub_certificate_expiry_timestamp_seconds",
        "When the certificate in use expires (unix seconds)",
        certificateExpiryMillis);
    gauge(
        out,
        "edgetrust_edgehub_certificate_next_renewal_timestamp_seconds",
        "When the certificate is planned to be renewed (unix seconds); absent when rotation is off",
        nextRenewalMillis);
    gauge(
        out,
        "edgetrust_edgehub_certificate_last_renewal_timestamp_seconds",
        "When the certificate was last renewed successfully (unix seconds); absent until the first renewal",
        lastRenewalMillis);
    header(
        out,
        "edgetrust_edgehub_certificate_renewal_failures_total",
        "Failed attempts to renew (or enroll for) the certificate since start; each is retried",
        "counter");
    out.append("edgetrust_edgehub_certificate_renewal_failures_total ")
        .append(renewalFailures.get())
        .append('\n');
    header(
        out,
        "edgetrust_edgehub_credentials_seconds_since_last_success",
        "Seconds since the node last obtained usable credentials (from disk, by enrolling or renewing),"
            + " or since the start before that; grows while enrolling or renewing fails",
        "gauge");
    out.append("edgetrust_edgehub_credentials_seconds_since_last_success ")
        .append(seconds(Math.max(0, clock.millis() - lastSuccessMillis)))
        .append('\n');
    header(
        out,
        "edgetrust_edgehub_connected",
        "1 while a session with the CloudHub is open, else 0",
        "gauge");
    out.append("edgetrust_edgehub_connected ").append(connected ? 1 : 0).append('\n');
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, long millis) {
    header(out, name, help, "gauge");
    if (millis >= 0) {
      out.append(name).append(' ').append(seconds(millis)).append('\n');
    }
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Unix seconds with millisecond precision, written without exponent ("1767225600.123"). */
  private static String seconds(long millis) {
    return java.math.BigDecimal.valueOf(millis, 3).toPlainString();
  }
}
