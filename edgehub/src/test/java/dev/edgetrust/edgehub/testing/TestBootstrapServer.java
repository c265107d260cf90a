package dev.edgetrust.edgehub.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * KubeEdge's bootstrap endpoints as a test stand-in: {@code GET /ca.crt} (DER) and {@code GET
 * /edge.crt} with a CSR body, authorized by a bearer JWT or a client certificate from the CA.
 * Records what it was sent. Behaviour can be bent per test (another CA served, a refusal, a
 * certificate for another node).
 */
public final class TestBootstrapServer implements AutoCloseable {
  /** What one {@code /edge.crt} request carried. */
  public record Request(
      String nodeNameHeader, String authorization, Optional<X509Certificate> clientCertificate) {}

  private final TestCa ca;
  private final String jwt;
  private final HttpsServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();

  private volatile X509Certificate servedCa;
  private volatile int refuseStatus;
  private volatile String refuseText;
  private volatile String refuseRetryAfter;
  private volatile String signAsNode;
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile Duration answerDelay = Duration.ZERO;

  /**
   * @param serverCertificateIps the IP SANs of the server's certificate (127.0.0.1 to match)
   */
  public TestBootstrapServer(TestCa ca, String jwt, String... serverCertificateIps)
      throws Exception {
    this.ca = ca;
    this.jwt = jwt;
    this.servedCa = ca.certificate();
    HeldCertificate serverCertificate = ca.issueServer(serverCertificateIps);
    SSLContext context = TestTls.serverContext(serverCertificate, ca.certificate());
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = context.getDefaultSSLParameters();
            p.setWantClientAuth(true);
            params.setSSLParameters(p);
          }
        });
    server.createContext("/ca.crt", this::caCertificate);
    server.createContext("/edge.crt", this::edgeCertificate);
    server.start();
  }

  public URI url() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  public String token() {
    return ca.hash() + "." + jwt;
  }

  public void serveCa(X509Certificate other) {
    servedCa = other;
  }

  public void refuse(int status, String text) {
    refuseStatus = status;
    refuseText = text;
    refuseRetryAfter = null;
  }

  /** Refuses with a {@code Retry-After} header, as a rate-limited CloudHub does (429). */
  public void refuse(int status, String text, String retryAfter) {
    refuse(status, text);
    refuseRetryAfter = retryAfter;
  }

  /** Answers certificate requests again after {@link #refuse}. */
  public void serve() {
    refuseStatus = 0;
  }

  /** Holds every certificate answer for {@code delay}, as a slow PKI behind the CloudHub would. */
  public void answerAfter(Duration delay) {
    answerDelay = delay;
  }

  public void signAsNode(String node) {
    signAsNode = node;
  }

  public void lifetime(Duration d) {
    lifetime = d;
  }

  public List<Request> requests() {
    return requests;
  }

  public List<String> paths() {
    return paths;
  }

  private void caCertificate(HttpExchange exchange) throws IOException {
    paths.add(exchange.getRequestURI().getPath());
    reply(exchange, 200, Certificates.der(servedCa));
  }

  private void edgeCertificate(HttpExchange exchange) throws IOException {
    paths.add(exchange.getRequestURI().getPath());
    byte[] body = exchange.getRequestBody().readAllBytes();
    String nodeHeader = exchange.getRequestHeaders().getFirst("NodeName");
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Optional<X509Certificate> peer = peerCertificate((HttpsExchange) exchange);
    requests.add(new Request(nodeHeader, authorization, peer));
    if (refuseStatus != 0) {
      if (refuseRetryAfter != null) {
        exchange.getResponseHeaders().set("Retry-After", refuseRetryAfter);
      }
      reply(exchange, refuseStatus, (refuseText + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    boolean byToken = ("Bearer " + jwt).equals(authorization);
    boolean byCertificate =
        peer.isPresent() && NodeName.fromCertificate(peer.get()).value().equals(nodeHeader);
    if (!byToken && !byCertificate) {
      reply(exchange, 401, "unauthorized".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!answerDelay.isZero()) {
      try {
        Thread.sleep(answerDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    Csr csr = Csr.parseDer(body);
    NodeName subject = NodeName.of(signAsNode != null ? signAsNode : nodeHeader);
    X509Certificate issued = ca.issueClient(subject.subject(), csr.publicKey(), lifetime);
    reply(exchange, 200, Certificates.der(issued));
  }

  private static Optional<X509Certificate> peerCertificate(HttpsExchange exchange) {
    try {
      Certificate[] chain = exchange.getSSLSession().getPeerCertificates();
      return chain.length == 0 ? Optional.empty() : Optional.of((X509Certificate) chain[0]);
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
