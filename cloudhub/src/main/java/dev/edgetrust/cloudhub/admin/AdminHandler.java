package dev.edgetrust.cloudhub.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.cloudhub.http.PeerCertificate;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.cloudhub.revocation.NodeAccess;
import dev.edgetrust.cloudhub.revocation.NodeStatus;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.tls.TransportFailure;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API: {@code GET /nodes}, {@code POST /nodes/NAME/block}, {@code POST
 * /nodes/NAME/unblock}, {@code POST /nodes/NAME/reset}, JSON in and out. Every request is
 * authenticated first; one that is not gets 401, is audited, and touches nothing. Blocks run on
 * their own executor (they call the PKI).
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NODE_ACTION =
      Pattern.compile("/nodes/([^/]+)/(block|unblock|reset)");

  private final AdminCredentials credentials;
  private final NodeAccess access;
  private final Executor executor;

  AdminHandler(AdminCredentials credentials, NodeAccess access, Executor executor) {
    this.credentials = credentials;
    this.access = access;
    this.executor = executor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!request.decoderResult().isSuccess()) {
      reply(ctx, HttpResponseStatus.BAD_REQUEST, error("malformed HTTP request"), false);
      return;
    }
    AdminCredentials.Caller caller =
        credentials.authenticate(
            PeerCertificate.of(ctx), request.headers().get(HttpHeaderNames.AUTHORIZATION));
    // Undecoded: routing needs no decoding, a broken escape ("%zz") must not throw, and the node
    // name in it is decoded exactly once, below.
    String path = new QueryStringDecoder(request.uri()).rawPath();
    if (!caller.authenticated()) {
      access
          .audit()
          .record(
              "unauthenticated from " + ctx.channel().remoteAddress(),
              "refuse-admin",
              null,
              "refused",
              caller.refusal() + " (" + request.method() + " " + printable(path) + ")");
      log.info(
          "refused admin request {} {} from {}: {}",
          request.method(),
          printable(path),
          ctx.channel().remoteAddress(),
          caller.refusal());
      FullHttpResponse response =
          response(HttpResponseStatus.UNAUTHORIZED, error(caller.refusal()));
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"edgetrust admin\"");
      send(ctx, response, false);
      return;
    }
    if (path.equals("/nodes")) {
      if (!HttpMethod.GET.equals(request.method())) {
        reply(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, error("use GET /nodes"), keepAlive);
        return;
      }
      reply(ctx, HttpResponseStatus.OK, nodes(), keepAlive);
      return;
    }
    Matcher m = NODE_ACTION.matcher(path);
    if (!m.matches()) {
      reply(
          ctx,
          HttpResponseStatus.NOT_FOUND,
          error(
              "not found; the admin API serves GET /nodes, POST /nodes/NAME/block, POST /nodes/NAME/unblock and POST /nodes/NAME/reset"),
          keepAlive);
      return;
    }
    if (!HttpMethod.POST.equals(request.method())) {
      reply(
          ctx,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          error("use POST " + printable(path)),
          keepAlive);
      return;
    }
    NodeName node;
    try {
      node = NodeName.of(QueryStringDecoder.decodeComponent(m.group(1)));
    } catch (IllegalArgumentException e) {
      reply(ctx, HttpResponseStatus.BAD_REQUEST, error(e.getMessage()), keepAlive);
      return;
    }
    BlockReport.Action action = BlockReport.Action.valueOf(m.group(2).toUpperCase(Locale.ROOT));
    try {
      executor.execute(
          () -> {
            try {
              BlockReport report =
                  switch (action) {
                    case BLOCK -> access.block(node, caller.actor());
                    case UNBLOCK -> access.unblock(node, caller.actor());
                    case RESET -> access.reset(node, caller.actor());
                  };
              reply(
                  ctx,
                  report.outcome() == BlockReport.Outcome.FAILED
                      ? HttpResponseStatus.BAD_GATEWAY
                      : HttpResponseStatus.OK,
                  report(report),
                  keepAlive);
            } catch (RuntimeException e) {
              log.error("{} of node {} failed", action.word(), node, e);
              reply(
                  ctx,
                  HttpResponseStatus.INTERNAL_SERVER_ERROR,
                  error("internal error: " + e),
                  false);
            }
          });
    } catch (RejectedExecutionException e) {
      reply(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, error("CloudHub is shutting down"), false);
    }
  }

  private ObjectNode nodes() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode nodes = root.putArray("nodes");
    for (NodeStatus s : access.nodes()) {
      ObjectNode n = nodes.addObject();
      n.put("node", s.node().value());
      n.put("connected", s.connected());
      putInstant(n, "since", s.since());
      n.put("serial", s.serialHex());
      putInstant(n, "expiry", s.expiry());
      n.put("blocked", s.blocked());
      n.put("cloudcore", s.cloudcore());
    }
    return root;
  }

  /** The report as the admin API's JSON: the typed outcomes as their {@code word()}s. */
  static ObjectNode report(BlockReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("node", report.node().value());
    root.put("action", report.action().word());
    root.put("outcome", report.outcome().word());
    ArrayNode steps = root.putArray("steps");
    for (BlockReport.Step s : report.steps()) {
      steps
          .addObject()
          .put("step", s.id())
          .put("title", s.title())
          .put("outcome", s.outcome().word())
          .put("detail", s.detail());
    }
    root.put("nextStep", report.nextStep());
    return root;
  }

  private static void putInstant(ObjectNode n, String field, Instant value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value.toString());
    }
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void reply(
      ChannelHandlerContext ctx, HttpResponseStatus status, ObjectNode body, boolean keepAlive) {
    send(ctx, response(status, body), keepAlive);
  }

  private static FullHttpResponse response(HttpResponseStatus status, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a JSON reply", e);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var future = ctx.writeAndFlush(response);
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static String printable(String s) {
    return dev.edgetrust.text.UntrustedText.printable(s, 80);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "admin connection from {} failed: {}",
        ctx.channel().remoteAddress(),
        TransportFailure.describe(cause));
    ctx.close();
  }
}
