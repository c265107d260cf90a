package dev.edgetrust.edgehub;

/** The EdgeHub cannot start. The message is one line for an operator, ready to print as it is. */
public final class EdgeHubException extends Exception {
  public EdgeHubException(String message, Throwable cause) {
    super(message, cause);
  }
}
