package dev.edgetrust.edgehub.enrollment;

import java.time.Duration;
import java.util.Optional;

/**
 * The node could not get (or renew) its certificate. The message is one line for an operator.
 *
 * <p>{@link #isRetryable()} separates "the CloudHub or this node said no" (wrong token, CA hash
 * mismatch, refused request: asking again unchanged will not help) from "the CloudHub could not be
 * reached or answered 5xx" (retry with backoff).
 */
public final class EnrollmentException extends Exception {
  private final boolean retryable;
  private final Duration retryAfter;

  private EnrollmentException(String message, boolean retryable, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** Refused, by the CloudHub or by a check on this node; repeating the request will not help. */
  public static EnrollmentException refused(String message) {
    return new EnrollmentException(message, false, null, null);
  }

  /** The CloudHub could not be reached or could not answer now; try again later. */
  public static EnrollmentException unavailable(String message, Throwable cause) {
    return new EnrollmentException(message, true, cause, null);
  }

  /**
   * The CloudHub asked to be left alone for {@code retryAfter} (429 or 503 with {@code
   * Retry-After}); try again, not sooner than that.
   */
  public static EnrollmentException unavailableFor(String message, Duration retryAfter) {
    return new EnrollmentException(message, true, null, retryAfter);
  }

  /** How long the server asked the node to wait, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  public boolean isRetryable() {
    return retryable;
  }
}
