package dev.edgetrust.cloudhub.websocket;

import dev.edgetrust.cloudhub.http.HttpReplies;
import dev.edgetrust.cloudhub.http.PeerCertificate;
import dev.edgetrust.cloudhub.identity.Identification;
import dev.edgetrust.cloudhub.identity.Identifier;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.NodeName;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a WebSocket upgrade request may proceed. Identity comes from the client
 * certificate alone; the {@code node_id} header and the node segment of the path must agree with
 * it. Sits before Netty's WebSocket handshaker and removes itself once the request passes.
 */
final class UpgradeAuthenticator extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(UpgradeAuthenticator.class);
  static final AttributeKey<X509Certificate> CERTIFICATE =
      AttributeKey.valueOf("edgetrust.certificate");
  static final AttributeKey<NodeName> NODE = AttributeKey.valueOf("edgetrust.node");

  /**
   * The first segment of the edge's path, and its {@code project_id} header (the segment if none).
   */
  static final AttributeKey<String> PROJECT_SEGMENT =
      AttributeKey.valueOf("edgetrust.projectSegment");

  static final AttributeKey<String> PROJECT_ID = AttributeKey.valueOf("edgetrust.projectId");

  private final SessionRegistry registry;
  private final Identifier identifier;
  private final Function<X509Certificate, Optional<Refusal>> admission;
  private final HubMetrics metrics;

  /**
   * @param admission why a certificate may not open a session now (revoked, blocked), checked again
   *     here because a block can land between the TLS handshake and the upgrade
   */
  UpgradeAuthenticator(
      SessionRegistry registry,
      Identifier identifier,
      Function<X509Certificate, Optional<Refusal>> admission,
      HubMetrics metrics) {
    this.registry = registry;
    this.identifier = identifier;
    this.admission = admission;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    Check check;
    try {
      check = check(ctx, request);
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(request);
      throw e;
    }
    if (check.status == null) {
      ctx.channel().attr(NODE).set(check.node);
      ctx.channel().attr(CERTIFICATE).set(check.certificate);
      ctx.channel().attr(PROJECT_SEGMENT).set(check.projectSegment);
      String projectId = request.headers().get("project_id");
      ctx.channel().attr(PROJECT_ID).set(projectId == null ? check.projectSegment : projectId);
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(request);
      return;
    }
    ReferenceCountUtil.release(request);
    metrics.refused(check.reason);
    log.info(
        "refused WebSocket connection from {}: {}", ctx.channel().remoteAddress(), check.message);
    HttpReplies.refuse(ctx, check.status, check.message);
  }

  private Check check(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      return Check.refuse(
          HttpResponseStatus.BAD_REQUEST, RefusalReason.BAD_REQUEST, "malformed HTTP request");
    }
    if (!HttpMethod.GET.equals(request.method())) {
      return Check.refuse(
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          RefusalReason.BAD_REQUEST,
          "a WebSocket upgrade is a GET");
    }
    Optional<X509Certificate> certificate = PeerCertificate.of(ctx);
    if (certificate.isEmpty()) {
      return Check.refuse(
          HttpResponseStatus.UNAUTHORIZED,
          RefusalReason.NO_CLIENT_CERTIFICATE,
          "a client certificate is required");
    }
    String nodeId = request.headers().get("node_id");
    if (nodeId == null) {
      return Check.refuse(
          HttpResponseStatus.BAD_REQUEST, RefusalReason.BAD_REQUEST, "missing node_id header");
    }
    Identification identity = identifier.identify(certificate.get(), nodeId);
    if (identity instanceof Identification.Refused r) {
      return Check.refuse(
          HttpResponseStatus.FORBIDDEN, r.refusal().reason(), r.refusal().message());
    }
    NodeName node = ((Identification.Node) identity).node();
    if (!nodeId.equals(node.value())) {
      return Check.refuse(
          HttpResponseStatus.FORBIDDEN, RefusalReason.NODE_MISMATCH, renamed(nodeId, node));
    }
    // Undecoded: a node name never needs escaping, and a broken escape ("%zz") must not throw.
    String[] segments = new QueryStringDecoder(request.uri()).rawPath().split("/", -1);
    if (segments.length != 4 || !segments[0].isEmpty() || !"events".equals(segments[3])) {
      return Check.refuse(
          HttpResponseStatus.NOT_FOUND,
          RefusalReason.BAD_REQUEST,
          "expected the path /<projectID>/<nodeName>/events");
    }
    if (!segments[2].equals(node.value())) {
      return Check.refuse(
          HttpResponseStatus.FORBIDDEN,
          RefusalReason.NODE_MISMATCH,
          "path names node '"
              + NodeName.printable(segments[2])
              + "' but the client certificate names '"
              + node
              + "'");
    }
    Optional<Refusal> refused = admission.apply(certificate.get());
    if (refused.isPresent()) {
      return Check.refuse(
          HttpResponseStatus.FORBIDDEN, refused.get().reason(), refused.get().message());
    }
    if (!registry.admits(node)) {
      return Check.refuse(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          RefusalReason.NODE_LIMIT,
          "node limit reached (nodeLimit=" + registry.nodeLimit() + ")");
    }
    return new Check(null, null, null, node, certificate.get(), segments[1]);
  }

  /**
   * A certificate for one node, a request for another: a renamed node ({@code hostnameOverride}
   * changed) keeps its old certificate, so the refusal says what it holds and how to re-enroll.
   */
  static String renamed(String nodeId, NodeName node) {
    String asked = NodeName.printable(nodeId);
    return "node_id '"
        + asked
        + "' does not match the client certificate's node '"
        + node
        + "'; if the node was renamed, re-enroll it under the new name: ./edgetrust token --config"
        + " <cloudcore.yaml> --node "
        + asked
        + ", then on the node delete its certificate and key, put that token in edgecore.yaml and"
        + " restart edgecore";
  }

  private record Check(
      HttpResponseStatus status,
      RefusalReason reason,
      String message,
      NodeName node,
      X509Certificate certificate,
      String projectSegment) {
    static Check refuse(HttpResponseStatus status, RefusalReason reason, String message) {
      return new Check(status, reason, message, null, null, null);
    }
  }
}
