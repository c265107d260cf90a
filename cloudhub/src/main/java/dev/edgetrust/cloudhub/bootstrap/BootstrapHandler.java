package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.HttpReplies;
import dev.edgetrust.cloudhub.PeerCertificate;
import dev.edgetrust.cloudhub.RefusalReason;
import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.tls.TransportFailure;
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
 * KubeEdge's HTTPS bootstrap: {@code GET /ca.crt} (the CA, raw DER) and {@code GET /edge.crt}
 * (sign the CSR in the body; raw DER back). First enrollment is authorized by a join token;
 * renewal by the node's current client certificate, which must name the same node.
 *
 * <p>Requests are checked on the event loop; signing is handed to its own executor, since it may
 * be slow (and with an external PKI, remote), and the reply is written back from there.
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
  private final HubMetrics metrics;

  /** Told of every certificate the bootstrap signs (the inventory of serials per node). */
  public interface IssuanceListener {
    void issued(NodeName node, IssuedCertificate certificate, boolean renewal);
  }

  /** Whether an authenticated node may enroll or renew at all: a blocked node may not. */
  public interface EnrollmentGate {

    /**
     * @param who the requester as the audit log names it
     * @return why the request is refused (answered with 403), or empty
     */
    Optional<String> refusal(NodeName node, boolean renewal, String who);
  }

  public BootstrapHandler(
      BootstrapEnrollment enrollment,
      PkiProvider provider,
      Duration signingDuration,
      IssuanceListener issuance,
      Executor signingExecutor,
      EnrollmentGate gate) {
    this(enrollment, provider, signingDuration, issuance, signingExecutor, gate, HubMetrics.NONE);
  }

  /** @param metrics counts the requests refused, by reason */
  public BootstrapHandler(
      BootstrapEnrollment enrollment,
      PkiProvider provider,
      Duration signingDuration,
      IssuanceListener issuance,
      Executor signingExecutor,
      EnrollmentGate gate,
      HubMetrics metrics) {
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
        HttpReplies.ok(ctx, DER, Certificates.der(enrollment.caCertificate()), HttpUtil.isKeepAlive(request));
      }
      case "/edge.crt" -> edgeCertificate(ctx, request);
      default -> HttpReplies.refuse(ctx, HttpResponseStatus.NOT_FOUND, "not found; this server serves /ca.crt and /edge.crt");
    }
  }

  private void edgeCertificate(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!HttpMethod.GET.equals(request.method())) {
      HttpReplies.refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET with the CSR as body, as KubeEdge does");
      return;
    }
    EdgeCertificateRequest parsed;
    try {
      parsed =
          EdgeCertificateRequest.parse(
              request.headers().get("NodeName"),
              request.headers().get("ExtKeyUsages"),
              ByteBufUtil.getBytes(request.content()));
      boolean renewal = authorize(ctx, request, parsed.node());
      Optional<String> refusal = gate.refusal(parsed.node(), renewal, requester(ctx, request));
      if (refusal.isPresent()) {
        throw new EdgeCertificateRequest.Refusal(403, refusal.get(), RefusalReason.BLOCKED);
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      signingExecutor.execute(() -> sign(ctx, parsed, renewal, keepAlive));
    } catch (EdgeCertificateRequest.Refusal r) {
      log.info("refused /edge.crt from {}: {}", ctx.channel().remoteAddress(), r.getMessage());
      metrics.refused(r.reason);
      HttpReplies.refuse(ctx, HttpResponseStatus.valueOf(r.status), r.getMessage());
    } catch (RejectedExecutionException e) {
      HttpReplies.refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "CloudHub is shutting down");
    }
  }

  private void sign(ChannelHandlerContext ctx, EdgeCertificateRequest request, boolean renewal, boolean keepAlive) {
    try {
      if (request.askedBeyondClientAuth()) {
        log.info("node {} asked for usages {} in ExtKeyUsages; node certificates are client certificates only: "
            + "issuing client auth", request.node(), request.askedFor());
      }
      IssuedCertificate issued = provider.sign(SigningRequest.forNode(request.node(), request.csr(), signingDuration));
      log.info(
          "issued certificate serial {} to node {} ({}), valid until {}",
          issued.serialHex(), request.node(), renewal ? "renewal" : "enrollment with a join token", issued.notAfter());
      issuance.issued(request.node(), issued, renewal);
      HttpReplies.ok(ctx, DER, Certificates.der(issued.certificate()), keepAlive);
    } catch (PkiException e) {
      log.warn("could not sign for node {}: {}", request.node(), e.getMessage());
      HttpReplies.refuse(
          ctx,
          e.isRetryable() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.FORBIDDEN,
          e.getMessage());
    } catch (RuntimeException e) {
      log.error("signing for node {} failed", request.node(), e);
      HttpReplies.refuse(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error while signing");
    }
  }

  /** The requester as the audit log names it: its certificate, or a hash of its join token. */
  private static String requester(ChannelHandlerContext ctx, FullHttpRequest request) {
    String who = PeerCertificate.of(ctx)
        .map(AuditLog::certificateId)
        .orElseGet(() -> {
          String authorization = request.headers().get("Authorization");
          return authorization == null || authorization.length() < 8
              ? "anonymous" : AuditLog.tokenId(authorization.substring(7).trim());
        });
    return who + " from " + ctx.channel().remoteAddress();
  }

  /**
   * A client certificate, when presented, is the credential (renewal) and must name the node in
   * the request; otherwise the join token is.
   *
   * @return whether this is a renewal
   */
  private boolean authorize(ChannelHandlerContext ctx, FullHttpRequest request, NodeName node)
      throws EdgeCertificateRequest.Refusal {
    Optional<X509Certificate> presented = PeerCertificate.of(ctx);
    if (presented.isPresent()) {
      NodeName holder;
      try {
        holder = NodeName.fromCertificate(presented.get());
      } catch (IllegalArgumentException e) {
        throw new EdgeCertificateRequest.Refusal(
            403, "client certificate does not name a node: " + e.getMessage(), RefusalReason.NOT_A_NODE);
      }
      if (!holder.equals(node)) {
        throw new EdgeCertificateRequest.Refusal(
            403, "renewal for node '" + node + "' with the certificate of node '" + holder + "'",
            RefusalReason.NODE_MISMATCH);
      }
      return true;
    }
    String authorization = request.headers().get("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new EdgeCertificateRequest.Refusal(401, "missing Authorization: Bearer <join token>, and no client certificate");
    }
    try {
      enrollment.verifyJoinToken(authorization.substring(7).trim());
    } catch (PkiException e) {
      throw new EdgeCertificateRequest.Refusal(401, e.getMessage());
    }
    return false;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("bootstrap connection from {} failed: {}", ctx.channel().remoteAddress(), TransportFailure.describe(cause));
    ctx.close();
  }
}
