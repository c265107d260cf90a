package dev.edgetrust.edgehub.enrollment;

/**
 * The node could not get (or renew) its certificate. The message is one line for an operator.
 *
 * <p>{@link #isRetryable()} separates "the CloudHub or this node said no" (wrong token, CA hash
 * mismatch, refused request: asking again unchanged will not help) from "the CloudHub could not be
 * reached or answered 5xx" (retry with backoff).
 */
public final class EnrollmentException extends Exception {
  private final boolean retryable;

  private EnrollmentException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Refused, by the CloudHub or by a check on this node; repeating the request will not help. */
  public static EnrollmentException refused(String message) {
    return new EnrollmentException(message, false, null);
  }

  /** The CloudHub could not be reached or could not answer now; try again later. */
  public static EnrollmentException unavailable(String message, Throwable cause) {
    return new EnrollmentException(message, true, cause);
  }

  public boolean isRetryable() {
    return retryable;
  }
}
