package dev.edgetrust.edgehub;

/** Where the EdgeHub stands with the CloudHub. */
public enum ConnectionState {
  /** No usable certificate yet: enrolling, or waiting for a join token. */
  ENROLLING,
  /** Dialling the CloudHub (TCP, TLS, WebSocket upgrade). */
  CONNECTING,
  /** A session is up; messages flow. */
  CONNECTED,
  /** The session ended or could not be opened; a reconnect is scheduled. */
  DISCONNECTED,
  /** {@link EdgeHub#close()} was called. */
  CLOSED
}
