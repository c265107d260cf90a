package dev.edgetrust.cloudhub.config;

/** The CloudHub cannot start. The message is one line an operator can act on. */
public final class CloudHubException extends Exception {
  public CloudHubException(String message, Throwable cause) {
    super(message, cause);
  }
}
