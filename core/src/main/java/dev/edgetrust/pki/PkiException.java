package dev.edgetrust.pki;

/**
 * A certificate authority could not do what was asked.
 *
 * <p>{@link #isRetryable()} separates "the PKI said no" (a policy refusal, a bad request: asking
 * again will not help) from "the PKI could not answer" (down, sealed, overloaded: retry with
 * backoff and keep the current credentials meanwhile).
 */
public final class PkiException extends Exception {
  private final boolean retryable;

  private PkiException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** The PKI refused the request; asking again unchanged will not succeed. */
  public static PkiException refused(String message) {
    return new PkiException(message, false, null);
  }

  /** The PKI could not be reached or could not answer now; try again later. */
  public static PkiException unavailable(String message, Throwable cause) {
    return new PkiException(message, true, cause);
  }

  public boolean isRetryable() {
    return retryable;
  }
}
