package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.pki.NodeName;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * An edge session the CloudHub admitted, as the gateway sees it: identity, nodeLimit and the
 * per-node session rule have all been applied.
 *
 * @param node the node its client certificate names (never what the edge says)
 * @param projectId the edge's {@code project_id} header, passed on unchanged
 * @param projectSegment the first segment of the edge's path, passed on unchanged
 * @param channel the edge connection, past its WebSocket upgrade
 * @param closer closes the edge session with a close frame, once, however many ask
 * @param predecessor the connection of the session this one replaced, if any: the upstream leg is
 *     dialed only once it and its own upstream leg are closed, so cloudcore never sees two sessions
 *     of one node from the gateway
 */
public record EdgeSession(
    NodeName node,
    String projectId,
    String projectSegment,
    Channel channel,
    Closer closer,
    Optional<Channel> predecessor) {

  public EdgeSession {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(projectSegment, "projectSegment");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(closer, "closer");
    Objects.requireNonNull(predecessor, "predecessor");
  }

  /** How the CloudHub closes one of its sessions: a close frame saying why, then the connection. */
  @FunctionalInterface
  public interface Closer {
    void close(WebSocketCloseStatus status, String reason);
  }
}
