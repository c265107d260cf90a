package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.pki.NodeName;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the local edgecore's WebSocket upgrade may proceed, as cloudcore would, and more
 * narrowly: a local client certificate naming the EdgeHub's own node, {@code node_id} and the
 * path's node the same, {@code ConnectionUse: msg} (headers in any case: Go writes {@code
 * Node_id}), and the node's session to the CloudHub up. Removes itself once a request passes.
 */
final class LocalUpgradeCheck extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(LocalUpgradeCheck.class);

  private final NodeName node;
  private final LocalRelay relay;

  LocalUpgradeCheck(NodeName node, LocalRelay relay) {
    this.node = node;
    this.relay = relay;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    Optional<Refusal> refusal = refusal(ctx, request);
    if (refusal.isEmpty()) {
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(request);
      return;
    }
    ReferenceCountUtil.release(request);
    log.info(
        "refused local WebSocket connection from {}: {}",
        ctx.channel().remoteAddress(),
        refusal.get().message());
    LocalReplies.refuse(ctx, refusal.get().status(), refusal.get().message());
  }

  /** Why an upgrade is refused, and the status that says so. */
  private record Refusal(HttpResponseStatus status, String message) {
    static Optional<Refusal> of(HttpResponseStatus status, String message) {
      return Optional.of(new Refusal(status, message));
    }
  }

  private Optional<Refusal> refusal(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess() || !HttpMethod.GET.equals(request.method())) {
      return Refusal.of(HttpResponseStatus.BAD_REQUEST, "expected a WebSocket upgrade (GET)");
    }
    Optional<X509Certificate> certificate = LocalPeer.certificate(ctx);
    if (certificate.isEmpty()) {
      return Refusal.of(
          HttpResponseStatus.UNAUTHORIZED,
          "a client certificate from the local CA is required (join at /edge.crt first)");
    }
    if (!LocalPeer.node(certificate.get()).equals(Optional.of(node))) {
      return Refusal.of(
          HttpResponseStatus.FORBIDDEN, "the client certificate is not node '" + node + "'s");
    }
    // Netty's headers are case-insensitive: node_id, Node_id and NODE_ID are one header.
    String nodeId = request.headers().get("node_id");
    if (nodeId == null || !nodeId.equals(node.value())) {
      return Refusal.of(
          HttpResponseStatus.FORBIDDEN,
          "this gateway serves only node '"
              + node
              + "', not node_id '"
              + NodeName.printable(nodeId == null ? "" : nodeId)
              + "'");
    }
    String[] segments = new QueryStringDecoder(request.uri()).rawPath().split("/", -1);
    if (segments.length != 4
        || !segments[0].isEmpty()
        || !"events".equals(segments[3])
        || !segments[2].equals(node.value())) {
      return Refusal.of(
          HttpResponseStatus.NOT_FOUND, "expected the path /<projectID>/" + node + "/events");
    }
    String use = request.headers().get("ConnectionUse");
    if (!"msg".equals(use)) {
      // cloudcore reads a session only for exactly "msg"; anything else would hang there.
      return Refusal.of(HttpResponseStatus.BAD_REQUEST, "only ConnectionUse: msg is served");
    }
    if (!relay.upstreamOpen()) {
      return Refusal.of(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "the node's session to the CloudHub is not up; try again later");
    }
    return Optional.empty();
  }
}
