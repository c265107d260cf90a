package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.credential.AtomicFile;
import java.io.IOException;
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
  private final boolean localFault;
  private final Duration retryAfter;

  private EnrollmentException(
      String message, boolean retryable, boolean localFault, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryable = retryable;
    this.localFault = localFault;
    this.retryAfter = retryAfter;
  }

  /** Refused, by the CloudHub or by a check on this node; repeating the request will not help. */
  public static EnrollmentException refused(String message) {
    return new EnrollmentException(message, false, false, null, null);
  }

  /** The CloudHub could not be reached or could not answer now; try again later. */
  public static EnrollmentException unavailable(String message, Throwable cause) {
    return new EnrollmentException(message, true, false, cause, null);
  }

  /**
   * The CloudHub asked to be left alone for {@code retryAfter} (429 or 503 with {@code
   * Retry-After}); try again, not sooner than that.
   */
  public static EnrollmentException unavailableFor(String message, Duration retryAfter) {
    return new EnrollmentException(message, true, false, null, retryAfter);
  }

  /** How long the server asked the node to wait, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * A certificate was obtained but this node could not store it (disk full, file system read-only,
   * a path in the way). Retryable, since the fault may clear without a restart; nothing was
   * adopted, since a key that is not on disk would be gone after a restart.
   *
   * @param what the files, named for the operator
   */
  public static EnrollmentException cannotStore(String what, IOException cause) {
    return new EnrollmentException(
        "cannot write " + what + ": " + AtomicFile.describeFailure(cause), true, true, cause, null);
  }

  public boolean isRetryable() {
    return retryable;
  }

  /**
   * A fault on this node (its disk) rather than at the CloudHub or PKI: worth an operator's look.
   */
  public boolean isLocalFault() {
    return localFault;
  }
}
