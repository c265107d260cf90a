package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.config.GoDuration;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.tls.HandshakeCertificates;
import dev.edgetrust.tls.TransportFailure;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node side of KubeEdge's certificate bootstrap, over the CloudHub's HTTPS endpoints.
 *
 * <p>First enrollment ({@link #enroll}): fetch {@code /ca.crt} without verifying the server, accept
 * it only if its SHA-256 equals the join token's first part, then pin it; generate a P-256 key
 * here; send a CSR to {@code /edge.crt} over a connection verified against the pinned CA (hostname
 * or IP included), authorized by the token's JWT. Renewal ({@link #renew}) is the same request
 * authorized by the current client certificate in the TLS handshake instead.
 *
 * <p>Every answer is checked before anything is written: the certificate must name this node, carry
 * the key generated here, and chain to the CA. Files are then replaced atomically. The key never
 * leaves this machine and neither it nor the token is logged.
 */
public final class Enrollment {
  private static final Logger log = LoggerFactory.getLogger(Enrollment.class);

  /** A CA or node certificate is a few KiB; anything much larger is not one. */
  private static final int MAX_BODY_BYTES = 1 << 20;

  private final URI httpServer;
  private final NodeName node;
  private final Path caFile;
  private final KeyCertificateFiles files;
  private final Duration timeout;
  private final Clock clock;

  /** As the full constructor, judging lifetimes by the system clock. */
  public Enrollment(
      URI httpServer, NodeName node, Path caFile, KeyCertificateFiles files, Duration timeout) {
    this(httpServer, node, caFile, files, timeout, Clock.systemUTC());
  }

  /**
   * @param httpServer the CloudHub's bootstrap, {@code https://host:port}
   * @param node this node
   * @param caFile where the CA certificate is written at enrollment
   * @param files where the key and certificate are written
   * @param timeout limit for connecting and for each request
   * @param clock this node's clock: certificates are checked against it, and compared with the
   *     CloudHub's to report skew
   */
  public Enrollment(
      URI httpServer,
      NodeName node,
      Path caFile,
      KeyCertificateFiles files,
      Duration timeout,
      Clock clock) {
    this.httpServer = Objects.requireNonNull(httpServer, "httpServer");
    this.node = Objects.requireNonNull(node, "node");
    this.caFile = Objects.requireNonNull(caFile, "caFile");
    this.files = Objects.requireNonNull(files, "files");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Enrolls this node with a join token and stores the CA, key and certificate.
   *
   * @throws EnrollmentException if the CA does not match the token, the CloudHub refuses, its
   *     answer fails a check, or it cannot be reached; nothing is written then
   */
  public NodeCredentials enroll(JoinToken token) throws EnrollmentException {
    X509Certificate ca = fetchPinnedCa(token);
    KeyPair keyPair = Keys.newP256();
    Csr csr = Csr.create(keyPair, node.subject());
    HttpRequest request =
        certificateRequest(csr, timeout).header("Authorization", "Bearer " + token.jwt()).build();
    X509Certificate certificate =
        requestCertificate(client(pinnedCa(ca, Optional.empty()), timeout), request, keyPair, ca);

    HeldCertificate held = new HeldCertificate(keyPair.getPrivate(), List.of(certificate));
    try {
      AtomicFile.writePublic(caFile, Pem.certificate(ca).getBytes(StandardCharsets.US_ASCII));
      files.write(held);
    } catch (IOException e) {
      throw EnrollmentException.cannotStore(
          "the new credentials to "
              + caFile
              + ", "
              + files.keyFile()
              + " and "
              + files.certificateFile(),
          e);
    }
    log.info(
        "node {} enrolled with {}: certificate serial {}, valid until {}",
        node,
        httpServer,
        held.serialHex(),
        held.notAfter());
    return new NodeCredentials(held, ca);
  }

  /**
   * Renews the certificate: a new key, a CSR, authorized by the current certificate. Stores the new
   * pair (the old one stays until the new one is complete on disk).
   *
   * @throws EnrollmentException if the CloudHub refuses, its answer fails a check, or it cannot be
   *     reached; the current files are untouched then
   */
  public NodeCredentials renew(NodeCredentials current) throws EnrollmentException {
    return renew(current, timeout);
  }

  /**
   * As {@link #renew(NodeCredentials)}, connecting and answering within {@code requestTimeout}
   * (shorter than the configured timeout as the current certificate nears its end).
   */
  public NodeCredentials renew(NodeCredentials current, Duration requestTimeout)
      throws EnrollmentException {
    KeyPair keyPair = Keys.newP256();
    Csr csr = Csr.create(keyPair, node.subject());
    X509Certificate certificate =
        requestCertificate(
            client(pinnedCa(current.ca(), Optional.of(current.held())), requestTimeout),
            certificateRequest(csr, requestTimeout).build(),
            keyPair,
            current.ca());
    HeldCertificate held = new HeldCertificate(keyPair.getPrivate(), List.of(certificate));
    try {
      files.write(held);
    } catch (IOException e) {
      // The new certificate is dropped with its key: used without being on disk, it would be lost
      // at the next restart, which would come back with the old pair. The next attempt asks again.
      throw EnrollmentException.cannotStore(
          "the renewed key and certificate to "
              + files.keyFile()
              + " and "
              + files.certificateFile()
              + " (the current pair is untouched)",
          e);
    }
    log.info(
        "node {} renewed its certificate: serial {} -> {}, valid until {}",
        node,
        current.held().serialHex(),
        held.serialHex(),
        held.notAfter());
    return new NodeCredentials(held, current.ca());
  }

  private X509Certificate fetchPinnedCa(JoinToken token) throws EnrollmentException {
    URI uri = httpServer.resolve("/ca.crt");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    // The one request made without verifying the server: what it returns is trusted only if its
    // hash equals the one the operator copied from the cloud in the token.
    BootstrapReplies.Reply reply = send(client(trustAnyServerOnce(), timeout), request, uri);
    if (reply.status() != 200) {
      throw BootstrapReplies.failure(uri, reply);
    }
    X509Certificate ca;
    try {
      ca = Pem.parseCertificates(reply.body()).get(0);
    } catch (IllegalArgumentException e) {
      throw EnrollmentException.refused(
          "GET " + uri + " did not return a certificate: " + e.getMessage());
    }
    byte[] actual = sha256(Certificates.der(ca));
    if (!MessageDigest.isEqual(actual, token.caHashBytes())) {
      throw EnrollmentException.refused(
          "the CA certificate from "
              + uri
              + " has sha256 "
              + HexFormat.of().formatHex(actual).substring(0, 16)
              + "…, but the join token expects "
              + token.caHash().substring(0, 16)
              + "…: the token is for another CloudHub, or something between this node and it is not the CloudHub");
    }
    return ca;
  }

  private HttpRequest.Builder certificateRequest(Csr csr, Duration requestTimeout) {
    // KubeEdge's /edge.crt is a GET that carries the CSR (DER) as its body.
    return HttpRequest.newBuilder(httpServer.resolve("/edge.crt"))
        .timeout(requestTimeout)
        .method("GET", HttpRequest.BodyPublishers.ofByteArray(csr.der()))
        .header("NodeName", node.value());
  }

  private X509Certificate requestCertificate(
      HttpClient client, HttpRequest request, KeyPair keyPair, X509Certificate ca)
      throws EnrollmentException {
    URI uri = request.uri();
    BootstrapReplies.Reply reply = send(client, request, uri);
    if (reply.status() != 200) {
      throw BootstrapReplies.failure(uri, reply);
    }
    X509Certificate certificate;
    try {
      certificate = Pem.parseCertificates(reply.body()).get(0);
    } catch (IllegalArgumentException e) {
      throw EnrollmentException.refused(
          "GET " + uri + " did not return a certificate: " + e.getMessage());
    }
    check(certificate, keyPair, ca, uri);
    return certificate;
  }

  /**
   * The answer must be for this node, for the key made here, from the pinned CA, and usable now.
   */
  private void check(X509Certificate certificate, KeyPair keyPair, X509Certificate ca, URI uri)
      throws EnrollmentException {
    String from = "the certificate from " + uri;
    NodeName named;
    try {
      named = NodeName.fromCertificate(certificate);
    } catch (IllegalArgumentException e) {
      throw EnrollmentException.refused(from + " is not a node certificate: " + e.getMessage());
    }
    if (!named.equals(node)) {
      throw EnrollmentException.refused(
          from + " names node '" + named + "', not this node '" + node + "'");
    }
    if (!Arrays.equals(certificate.getPublicKey().getEncoded(), keyPair.getPublic().getEncoded())) {
      throw EnrollmentException.refused(from + " is not for the key this node generated");
    }
    if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw EnrollmentException.refused(
          from
              + " was issued by '"
              + certificate.getIssuerX500Principal().getName()
              + "', not by the CA");
    }
    try {
      certificate.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw EnrollmentException.refused(from + " is not signed by the CA");
    }
    if (!clock.instant().isBefore(certificate.getNotAfter().toInstant())) {
      throw EnrollmentException.refused(
          from + " expired at " + certificate.getNotAfter().toInstant());
    }
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CertificateUsage.CLIENT_AUTH.oid())) {
        throw EnrollmentException.refused(from + " is not valid for client authentication");
      }
    } catch (CertificateParsingException e) {
      throw EnrollmentException.refused(from + " has an unreadable extended key usage");
    }
  }

  private BootstrapReplies.Reply send(HttpClient client, HttpRequest request, URI uri)
      throws EnrollmentException {
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
          throw EnrollmentException.refused(
              request.method()
                  + " "
                  + uri
                  + " answered with more than "
                  + MAX_BODY_BYTES
                  + " bytes");
        }
        Instant now = clock.instant();
        Optional<Instant> date =
            response.headers().firstValue("Date").flatMap(BootstrapReplies::httpDate);
        date.ifPresent(serverNow -> clockSkew.report(node, uri.getAuthority(), now, serverNow));
        return new BootstrapReplies.Reply(
            response.statusCode(), body, response.headers().firstValue("Retry-After"));
      }
    } catch (SSLHandshakeException e) {
      throw EnrollmentException.refused(
          "TLS handshake with "
              + uri.getAuthority()
              + " failed: "
              + e.getMessage()
              + BootstrapReplies.tlsHint(e));
    } catch (HttpTimeoutException e) {
      Duration took = request.timeout().orElse(timeout);
      throw EnrollmentException.unavailable(
          request.method() + " " + uri + " timed out after " + GoDuration.format(took), e);
    } catch (ConnectException e) {
      throw EnrollmentException.unavailable(
          TransportFailure.connectFailure(uri.getAuthority(), e), e);
    } catch (IOException e) {
      Throwable tls = sslCause(e);
      if (tls != null) {
        throw EnrollmentException.refused(
            "TLS with "
                + uri.getAuthority()
                + " failed: "
                + tls.getMessage()
                + BootstrapReplies.tlsHint(tls));
      }
      throw EnrollmentException.unavailable(
          request.method() + " " + uri + " failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EnrollmentException.unavailable(request.method() + " " + uri + " was interrupted", e);
    }
  }

  private final ClockSkew clockSkew = new ClockSkew();

  private static Throwable sslCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLHandshakeException) {
        return t;
      }
    }
    return null;
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private HttpClient client(HandshakeCertificates tls, Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(tls.sslContext())
        .sslParameters(tls.sslParameters())
        .build();
  }

  /** Trusts {@code ca} only (the JDK HTTP client then checks the host name or IP as well). */
  private static HandshakeCertificates pinnedCa(
      X509Certificate ca, Optional<HeldCertificate> clientCertificate) {
    return HandshakeCertificates.builder()
        .addTrustedCertificate(ca)
        .heldCertificate(clientCertificate)
        .build();
  }

  private static HandshakeCertificates trustAnyServerOnce() {
    return HandshakeCertificates.builder().trustManager(new TrustAnyServer()).build();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required of every JRE", e);
    }
  }
}
