package dev.edgetrust.cloudhub.websocket;

import dev.edgetrust.pki.NodeName;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The live sessions, one per node. A node that connects again (after a certificate rotation, or a
 * network change its old connection has not noticed yet) replaces its previous session.
 */
public final class SessionRegistry {
  private final ConcurrentMap<NodeName, Session> sessions = new ConcurrentHashMap<>();
  private final int nodeLimit;

  public SessionRegistry(int nodeLimit) {
    this.nodeLimit = nodeLimit;
  }

  /**
   * Whether {@code node} may open a session now: it already has one (it will be replaced), or the
   * number of connected nodes is below {@code nodeLimit}.
   */
  public boolean admits(NodeName node) {
    return sessions.containsKey(node) || sessions.size() < nodeLimit;
  }

  /**
   * Makes {@code session} the node's session.
   *
   * @return the session it replaces, which the caller closes
   */
  public Optional<Session> register(Session session) {
    return Optional.ofNullable(sessions.put(session.node(), session));
  }

  /** Removes {@code session} if it is still its node's current one. */
  public boolean unregister(Session session) {
    return sessions.remove(session.node(), session);
  }

  public Optional<Session> get(NodeName node) {
    return Optional.ofNullable(sessions.get(node));
  }

  public List<Session> all() {
    return List.copyOf(sessions.values());
  }

  public int size() {
    return sessions.size();
  }

  public int nodeLimit() {
    return nodeLimit;
  }
}
