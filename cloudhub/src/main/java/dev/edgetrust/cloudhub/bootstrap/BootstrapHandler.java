package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.config.JoinTokens;
import dev.edgetrust.cloudhub.http.HttpReplies;
import dev.edgetrust.cloudhub.http.PeerCertificate;
import dev.edgetrust.cloudhub.identity.Identification;
import dev.edgetrust.cloudhub.identity.Identifier;
import dev.edgetrust.cloudhub.identity.IdentitySource;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.JoinTokenUse;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.tls.TransportFailure;
import dev.edgetrust.x509.Certificates;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeEdge's HTTPS bootstrap: {@code GET /ca.crt} (the CA, raw DER) and {@code GET /edge.crt} (sign
 * the CSR in the body; raw DER back). First enrollment is authorized by a join token; renewal by
 * the node's current client certificate, which must name the same node.
 *
 * <p>A join token never takes over a name: a token enrollment for a node that holds a valid
 * certificate or a live session is refused with 409 until an operator resets the node. A node-bound
 * token enrolls its own node only, once: its use is recorded durably before the certificate is
 * returned.
 *
 * <p>Requests are checked on the event loop; signing is handed to its own executor, since it may be
 * slow (and with an external PKI, remote), and the reply is written back from there.
 */
public final class BootstrapHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(BootstrapHandler.class);
  private static final String DER = "application/octet-stream";

  private final BootstrapEnrollment enrollment;
  private final PkiProvider provider;
  private final Duration signingDuration;
  private final IssuanceListener issuance;
  private final Executor signingExecutor;
  private final EnrollmentGate gate;
  private final JoinTokens joinTokens;
  private final HubMetrics metrics;
  private final Identifier identifier;

  /** Told of every certificate the bootstrap signs (the inventory of serials per node). */
  public interface IssuanceListener {
    void issued(NodeName node, IssuedCertificate certificate, boolean renewal);

    /**
     * A node renewed with a certificate cloudcore issued into one that names it: it has moved to a
     * bound identity (for the audit trail).
     */
    default void converted(NodeName node, X509Certificate cloudcore, IssuedCertificate issued) {}
  }

  /**
   * What authorizes a request: a join token (first enrollment) or the node's current certificate
   * (renewal), which may be one cloudcore issued.
   */
  private record Credential(Optional<JoinTokenClaims> token, Optional<X509Certificate> cloudcore) {
    boolean renewal() {
      return token.isEmpty();
    }
  }

  /**
   * Whether an authenticated node may enroll or renew at all (a blocked node may not), and whether
   * a join token may take its name (a name in use may not be taken).
   */
  public interface EnrollmentGate {

    /**
     * @param who the requester as the audit log names it
     * @return why the request is refused (answered with 403), or empty
     */
    Optional<String> refusal(NodeName node, boolean renewal, String who);

    /**
     * Reserves {@code node} for one token enrollment.
     *
     * @param who the requester as the audit log names it
     * @return why the name is in use (answered with 409), or empty when reserved: then {@link
     *     #release} must follow, whatever happens
     */
    Optional<String> reserve(NodeName node, String who);

    /** Ends a reservation. */
    void release(NodeName node);
  }

  /**
   * @param joinTokens which join tokens enroll (shared ones too, or node-bound ones only)
   * @param identifier which node a renewal's certificate speaks for
   * @param metrics counts the requests refused, by reason
   */
  public BootstrapHandler(
      BootstrapEnrollment enrollment,
      PkiProvider provider,
      Duration signingDuration,
      JoinTokens joinTokens,
      IssuanceListener issuance,
      Executor signingExecutor,
      EnrollmentGate gate,
      Identifier identifier,
      HubMetrics metrics) {
    this.identifier = identifier;
    this.joinTokens = joinTokens;
    this.metrics = metrics;
    this.enrollment = enrollment;
    this.signingExecutor = signingExecutor;
    this.provider = provider;
    this.signingDuration = signingDuration;
    this.issuance = issuance;
    this.gate = gate;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      HttpReplies.refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    // Undecoded: the paths served need no decoding, and decoding a broken escape ("GET /%zz")
    // threw and dropped the connection unanswered (found by EdgeCrtFuzzTest).
    String path = new QueryStringDecoder(request.uri()).rawPath();
    switch (path) {
      case "/ca.crt" -> {
        if (!HttpMethod.GET.equals(request.method())) {
          HttpReplies.refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
          return;
        }
        HttpReplies.ok(
            ctx, DER, Certificates.der(enrollment.caCertificate()), HttpUtil.isKeepAlive(request));
      }
      case "/edge.crt" -> edgeCertificate(ctx, request);
      default ->
          HttpReplies.refuse(
              ctx,
              HttpResponseStatus.NOT_FOUND,
              "not found; this server serves /ca.crt and /edge.crt");
    }
  }

  private void edgeCertificate(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!HttpMethod.GET.equals(request.method())) {
      HttpReplies.refuse(
          ctx,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "use GET with the CSR as body, as KubeEdge does");
      return;
    }
    EdgeCertificateRequest parsed;
    try {
      parsed =
          EdgeCertificateRequest.parse(
              request.headers().get("NodeName"),
              request.headers().get("ExtKeyUsages"),
              ByteBufUtil.getBytes(request.content()));
      Credential credential = authorize(ctx, request, parsed.node());
      Optional<JoinTokenClaims> token = credential.token();
      boolean renewal = credential.renewal();
      String who = requester(ctx, request);
      Optional<String> refusal = gate.refusal(parsed.node(), renewal, who);
      if (refusal.isPresent()) {
        throw new EdgeCertificateRequest.Refusal(403, refusal.get(), RefusalReason.BLOCKED);
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      // The name check reads the PKI's inventory and a use is written with an fsync: both off the
      // event loop.
      signingExecutor.execute(
          () -> {
            if (token.isEmpty()) {
              sign(ctx, parsed, true, keepAlive)
                  .ifPresent(
                      issued ->
                          credential
                              .cloudcore()
                              .ifPresent(old -> issuance.converted(parsed.node(), old, issued)));
              return;
            }
            try {
              enrollWithToken(ctx, parsed, token.get(), who, keepAlive);
            } catch (RuntimeException e) {
              // A bug, not the requester's fault: said as such, and the connection is not left
              // hanging.
              log.error("token enrollment of node {} failed", parsed.node(), e);
              HttpReplies.refuse(
                  ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error while enrolling");
            }
          });
    } catch (EdgeCertificateRequest.Refusal r) {
      refuse(ctx, r);
    } catch (RejectedExecutionException e) {
      HttpReplies.refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "CloudHub is shutting down");
    }
  }

  private void refuse(ChannelHandlerContext ctx, EdgeCertificateRequest.Refusal r) {
    log.info("refused /edge.crt from {}: {}", ctx.channel().remoteAddress(), r.getMessage());
    metrics.refused(r.reason);
    HttpReplies.refuse(ctx, HttpResponseStatus.valueOf(r.status), r.getMessage());
  }

  /**
   * A first enrollment: the name must be free (no valid certificate, no live session), a node-bound
   * token's use is on disk, and only then is the certificate signed and returned.
   */
  private void enrollWithToken(
      ChannelHandlerContext ctx,
      EdgeCertificateRequest request,
      JoinTokenClaims token,
      String who,
      boolean keepAlive) {
    NodeName node = request.node();
    // A used token is told so, even when its node now holds the name: that is the truer answer.
    if (token instanceof JoinTokenClaims.NodeBound bound) {
      Optional<JoinTokenUse> used = enrollment.joinTokenUse(bound);
      if (used.isPresent()) {
        refuse(
            ctx,
            new EdgeCertificateRequest.Refusal(
                403, used.get().refusal(), RefusalReason.TOKEN_REUSED));
        return;
      }
    }
    Optional<String> inUse = gate.reserve(node, who);
    if (inUse.isPresent()) {
      refuse(ctx, new EdgeCertificateRequest.Refusal(409, inUse.get(), RefusalReason.NODE_IN_USE));
      return;
    }
    try {
      if (token instanceof JoinTokenClaims.NodeBound bound) {
        try {
          enrollment.consumeJoinToken(bound);
        } catch (PkiException e) {
          if (e.isRetryable()) {
            log.warn(
                "could not record the use of join token {} for node {}: {}",
                bound.id(),
                node,
                e.getMessage());
            HttpReplies.refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
          } else {
            refuse(
                ctx,
                new EdgeCertificateRequest.Refusal(
                    403, e.getMessage(), RefusalReason.TOKEN_REUSED));
          }
          return;
        }
      }
      sign(ctx, request, false, keepAlive);
    } finally {
      gate.release(node);
    }
  }

  /** Signs and answers; returns what was issued, if anything was. */
  private Optional<IssuedCertificate> sign(
      ChannelHandlerContext ctx,
      EdgeCertificateRequest request,
      boolean renewal,
      boolean keepAlive) {
    try {
      if (request.askedBeyondClientAuth()) {
        log.info(
            "node {} asked for usages {} in ExtKeyUsages; node certificates are client certificates only: "
                + "issuing client auth",
            request.node(),
            request.askedFor());
      }
      IssuedCertificate issued =
          provider.sign(SigningRequest.forNode(request.node(), request.csr(), signingDuration));
      log.info(
          "issued certificate serial {} to node {} ({}), valid until {}",
          issued.serialHex(),
          request.node(),
          renewal ? "renewal" : "enrollment with a join token",
          issued.notAfter());
      issuance.issued(request.node(), issued, renewal);
      HttpReplies.ok(ctx, DER, Certificates.der(issued.certificate()), keepAlive);
      return Optional.of(issued);
    } catch (PkiException e) {
      log.warn("could not sign for node {}: {}", request.node(), e.getMessage());
      HttpReplies.refuse(
          ctx,
          e.isRetryable() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.FORBIDDEN,
          e.getMessage());
    } catch (RuntimeException e) {
      log.error("signing for node {} failed", request.node(), e);
      HttpReplies.refuse(
          ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error while signing");
    }
    return Optional.empty();
  }

  /** The requester as the audit log names it: its certificate, or a hash of its join token. */
  private static String requester(ChannelHandlerContext ctx, FullHttpRequest request) {
    String who =
        PeerCertificate.of(ctx)
            .map(AuditLog::certificateId)
            .orElseGet(
                () -> {
                  String authorization = request.headers().get("Authorization");
                  return authorization == null || authorization.length() < 8
                      ? "anonymous"
                      : AuditLog.tokenId(authorization.substring(7).trim());
                });
    return who + " from " + ctx.channel().remoteAddress();
  }

  /**
   * A client certificate, when presented, is the credential (renewal) and must speak for the node
   * in the request; otherwise the join token is.
   */
  private Credential authorize(ChannelHandlerContext ctx, FullHttpRequest request, NodeName node)
      throws EdgeCertificateRequest.Refusal {
    Optional<X509Certificate> presented = PeerCertificate.of(ctx);
    if (presented.isPresent()) {
      Identification identity = identifier.identify(presented.get(), node.value());
      if (identity instanceof Identification.Refused r) {
        throw new EdgeCertificateRequest.Refusal(403, r.refusal().message(), r.refusal().reason());
      }
      Identification.Node holder = (Identification.Node) identity;
      if (!holder.node().equals(node)) {
        throw new EdgeCertificateRequest.Refusal(
            403,
            "renewal for node '" + node + "' with the certificate of node '" + holder.node() + "'",
            RefusalReason.NODE_MISMATCH);
      }
      return new Credential(
          Optional.empty(),
          holder.source() == IdentitySource.LEGACY_BINDING ? presented : Optional.empty());
    }
    String authorization = request.headers().get("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new EdgeCertificateRequest.Refusal(
          401, "missing Authorization: Bearer <join token>, and no client certificate");
    }
    JoinTokenClaims claims;
    try {
      claims = enrollment.verifyJoinToken(authorization.substring(7).trim());
    } catch (PkiException e) {
      throw new EdgeCertificateRequest.Refusal(401, e.getMessage());
    }
    if (claims instanceof JoinTokenClaims.NodeBound bound && !bound.node().equals(node)) {
      throw new EdgeCertificateRequest.Refusal(
          403,
          "join token is bound to node '"
              + bound.node()
              + "'; it cannot enroll node '"
              + node
              + "'",
          RefusalReason.NODE_MISMATCH);
    }
    if (claims instanceof JoinTokenClaims.Shared && joinTokens == JoinTokens.NODE_BOUND) {
      throw new EdgeCertificateRequest.Refusal(
          403,
          "shared join tokens are refused here (modules.cloudHub.joinTokens: nodeBound); mint one for this node: "
              + "./edgetrust token --config <cloudcore.yaml> --node "
              + node,
          RefusalReason.BAD_TOKEN);
    }
    return new Credential(Optional.of(claims), Optional.empty());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "bootstrap connection from {} failed: {}",
        ctx.channel().remoteAddress(),
        TransportFailure.describe(cause));
    ctx.close();
  }
}
