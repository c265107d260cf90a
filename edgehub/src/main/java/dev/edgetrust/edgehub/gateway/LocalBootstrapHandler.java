package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cloudcore's bootstrap, for the local edgecore and the local CA: {@code GET /ca.crt} (raw DER),
 * {@code GET /edge.crt} with a DER CSR body, {@code NodeName} and either {@code Authorization:
 * Bearer <local JWT>} (a join) or the current local certificate in the handshake (a rotation). Only
 * the EdgeHub's own node is served. WebSocket upgrade requests pass on untouched.
 */
final class LocalBootstrapHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(LocalBootstrapHandler.class);

  private final LocalCa ca;
  private final Clock clock;

  LocalBootstrapHandler(LocalCa ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (request
        .headers()
        .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      serve(ctx, request);
    } finally {
      ReferenceCountUtil.release(request);
    }
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      LocalReplies.refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    String path = new QueryStringDecoder(request.uri()).rawPath();
    switch (path) {
      case "/ca.crt" -> LocalReplies.der(ctx, Certificates.der(ca.certificate()));
      case "/edge.crt" -> edgeCertificate(ctx, request);
      default ->
          LocalReplies.refuse(
              ctx,
              HttpResponseStatus.NOT_FOUND,
              "not found: the local gateway serves /ca.crt and /edge.crt");
    }
  }

  private void edgeCertificate(ChannelHandlerContext ctx, FullHttpRequest request) {
    String nodeName = request.headers().get("NodeName");
    if (nodeName == null || !nodeName.strip().equals(ca.node().value())) {
      refuse(
          ctx,
          HttpResponseStatus.FORBIDDEN,
          "this gateway serves only node '"
              + ca.node()
              + "', not '"
              + NodeName.printable(nodeName == null ? "" : nodeName)
              + "'");
      return;
    }
    Optional<X509Certificate> presented = LocalPeer.certificate(ctx);
    boolean rotation = presented.isPresent();
    if (rotation) {
      // TLS has checked it chains to the local CA; it must be this node's.
      if (!LocalPeer.node(presented.get()).equals(Optional.of(ca.node()))) {
        refuse(
            ctx,
            HttpResponseStatus.FORBIDDEN,
            "the presented certificate is not node '" + ca.node() + "'s");
        return;
      }
    } else {
      String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
      if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        refuse(
            ctx,
            HttpResponseStatus.UNAUTHORIZED,
            "missing Authorization: Bearer <local join token>, and no client certificate");
        return;
      }
      if (!LocalJoinTokens.accepts(ca, authorization.substring(7).strip(), clock.instant())) {
        refuse(
            ctx,
            HttpResponseStatus.UNAUTHORIZED,
            "the join token is not a valid, unexpired local gateway token (see the gateway's token file)");
        return;
      }
    }
    if (request.content().readableBytes() > Csr.MAX_DER_BYTES) {
      refuse(
          ctx,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "CSR larger than " + Csr.MAX_DER_BYTES + " bytes");
      return;
    }
    Csr csr;
    try {
      csr = Csr.parseDer(ByteBufUtil.getBytes(request.content()));
    } catch (IllegalArgumentException e) {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "the body is not a DER CSR: " + e.getMessage());
      return;
    }
    // Client auth only, whatever ExtKeyUsages asks: the local edgecore never needs more.
    X509Certificate issued = ca.issueNode(csr.publicKey());
    log.info(
        "node {}: local edgecore {} a certificate from the local CA (serial {}, valid until {})",
        ca.node(),
        rotation ? "renewed" : "joined and got",
        dev.edgetrust.x509.SerialNumbers.toColonHex(issued.getSerialNumber()),
        issued.getNotAfter().toInstant());
    LocalReplies.der(ctx, Certificates.der(issued));
  }

  private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
    log.info("local /edge.crt refused from {}: {}", ctx.channel().remoteAddress(), message);
    LocalReplies.refuse(ctx, status, message);
  }
}
