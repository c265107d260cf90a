package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.pki.NodeName;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The upgrade request the gateway sends cloudcore for one edge session, exactly as edgecore sends
 * it: {@code wss://<server>/<projectID>/<node>/events} with {@code node_id}, {@code project_id} and
 * {@code ConnectionUse: msg} ({@code msg} exactly: cloudcore starts its read loop for nothing
 * else). The node is the one the edge's certificate names; the project is passed on as the edge
 * wrote it.
 */
record UpstreamHandshake(URI uri, NodeName node, String projectId) {
  /**
   * A path segment that needs no escaping. cloudcore ignores the path, but the URL must still be
   * one: anything else in the edge's first segment is refused rather than rewritten.
   */
  private static final Pattern PLAIN_SEGMENT = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  /**
   * @throws IllegalArgumentException if the edge's project segment is not a plain path segment
   */
  static UpstreamHandshake of(UpstreamServer server, EdgeSession edge) {
    if (!PLAIN_SEGMENT.matcher(edge.projectSegment()).matches()) {
      throw new IllegalArgumentException(
          "the edge's path segment '"
              + dev.edgetrust.text.UntrustedText.printable(edge.projectSegment(), 64)
              + "' is not a plain URL path segment");
    }
    URI uri =
        URI.create(
            "wss://"
                + server.authority()
                + "/"
                + edge.projectSegment()
                + "/"
                + edge.node().value()
                + "/events");
    return new UpstreamHandshake(uri, edge.node(), edge.projectId());
  }

  /**
   * The headers edgecore sends (Go writes them as Node_id, Project_id, Connectionuse; any case is
   * the same header).
   */
  HttpHeaders headers() {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("node_id", node.value());
    headers.set("project_id", projectId);
    headers.set("ConnectionUse", "msg");
    return headers;
  }
}
