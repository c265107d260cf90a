package dev.edgetrust.edgehub.gateway;

/** The local gateway cannot start: one line for an operator, naming the file or key to fix. */
public final class GatewayException extends Exception {
  GatewayException(String message) {
    super(message);
  }

  GatewayException(String message, Throwable cause) {
    super(message, cause);
  }
}
