package dev.edgetrust.cloudhub.gateway;

/**
 * What the gateway reports as sessions are relayed (the CloudHub's metrics). Called on I/O threads:
 * must not block.
 */
public interface RelayObserver {
  RelayObserver NONE = new RelayObserver() {};

  /** An upstream leg came up: the session is relayed. */
  default void relayOpened() {}

  /** A relayed session (or one whose upstream leg never came up) ended, and why. */
  default void relayEnded(RelayEnd end) {}
}
