package dev.edgetrust.edgehub.enrollment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How the node reads the CloudHub's bootstrap answers: a status to a refusal or a retryable
 * failure, {@code Retry-After} and {@code Date} headers, error bodies made fit for one log line,
 * and what a failed TLS handshake most likely means. Apart from {@link Enrollment}, which talks to
 * the server, because none of this needs a connection (and all of it is tested without one).
 */
final class BootstrapReplies {
  /** Error bodies are shown to an operator on one line; a short text is all KubeEdge sends. */
  private static final int MAX_ERROR_TEXT = 200;

  private BootstrapReplies() {}

  /** An answer, read in full (within the size limit). */
  record Reply(int status, byte[] body, Optional<String> retryAfter) {}

  static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * What the operator should look at. An alert the CloudHub sent means it refused this node's
   * certificate (revoked, blocked, another CA); anything else is this node refusing the CloudHub's,
   * most often for not naming the address dialled.
   */
  static String tlsHint(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("Received fatal alert")) {
      return " (the CloudHub refused this node's certificate: it may be revoked or the node blocked;"
          + " see the CloudHub's log)";
    }
    return " (the CloudHub's certificate must name the address in 'httpServer')";
  }

  /** 401/403/400 and friends are refusals with the server's short text; 5xx/429 are retryable. */
  static EnrollmentException failure(URI uri, Reply reply) {
    String text = printable(new String(reply.body(), StandardCharsets.UTF_8));
    String message =
        "GET " + uri + " answered " + reply.status() + (text.isEmpty() ? "" : ": " + text);
    if (reply.status() >= 500 || reply.status() == 429 || reply.status() == 408) {
      Optional<Duration> after = reply.retryAfter().flatMap(BootstrapReplies::retryAfter);
      return after.isPresent()
          ? EnrollmentException.unavailableFor(
              message + " (retry after " + after.get().toSeconds() + " s)", after.get())
          : EnrollmentException.unavailable(message, null);
    }
    return EnrollmentException.refused(message);
  }

  /**
   * {@code Retry-After} as delta-seconds or an HTTP date; anything else (or a time already past) is
   * ignored and the usual backoff applies.
   */
  static Optional<Duration> retryAfter(String header) {
    String value = header.strip();
    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
      // Past a day it is not a retry hint any more; the backoff's cap applies to it anyway.
      return value.length() > 6
          ? Optional.of(Duration.ofDays(1))
          : Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }
    return httpDate(value)
        .map(at -> Duration.between(Instant.now(), at))
        .filter(until -> !until.isNegative());
  }

  /** One line, no control characters, short: the body comes from the network. */
  static String printable(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < line.length() && out.length() < MAX_ERROR_TEXT; i++) {
      char c = line.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (line.length() > MAX_ERROR_TEXT) {
      out.append('…');
    }
    return out.toString();
  }
}
