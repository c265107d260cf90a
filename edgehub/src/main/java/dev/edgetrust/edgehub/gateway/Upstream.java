package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.message.Message;

/**
 * Where the local edgecore's messages go: the EdgeHub's own session to the CloudHub (its outbox).
 */
public interface Upstream {
  /**
   * Queues {@code message} for the CloudHub.
   *
   * @return false if the outbox is full: the upstream is not taking messages as fast as they come
   */
  boolean send(Message message);
}
