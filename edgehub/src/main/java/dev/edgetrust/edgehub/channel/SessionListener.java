package dev.edgetrust.edgehub.channel;

import dev.edgetrust.message.Message;

/**
 * What a {@link CloudSession} reports, always on its event loop. Implementations must not block.
 */
public interface SessionListener {
  /** The WebSocket upgrade succeeded: the session carries messages from now on. */
  void opened(CloudSession session);

  /** A message from the CloudHub (never an empty one). */
  void received(CloudSession session, Message message);

  /** The session can take more writes again. */
  void writable(CloudSession session);

  /**
   * The session is gone, or never came up.
   *
   * @param reason one line for an operator: why
   */
  void closed(CloudSession session, String reason);
}
