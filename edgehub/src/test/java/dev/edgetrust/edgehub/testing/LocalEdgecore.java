package dev.edgetrust.edgehub.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * A client that does what a stock KubeEdge v1.15 edgecore does against cloudcore: fetches {@code
 * /ca.crt} unverified and checks its hash against the token, joins at {@code /edge.crt} with the
 * token's JWT and a P-256 CSR {@code CN=kubeedge.io, O=kubeEdge}, rotates there with its current
 * certificate, and dials {@code wss://127.0.0.1:<port>/<project>/<node>/events} with Go's header
 * spelling ({@code Node_id}, {@code Project_id}, {@code Connectionuse: msg}).
 */
public final class LocalEdgecore {
  public static final String PROJECT = "e632aba927ea4ac2b575ec1603d56f10";

  private final int httpsPort;
  private final int websocketPort;
  private X509Certificate ca;

  public LocalEdgecore(int httpsPort, int websocketPort) {
    this.httpsPort = httpsPort;
    this.websocketPort = websocketPort;
  }

  /** GET /ca.crt without verifying the server, as edgecore does before it pins the CA. */
  public X509Certificate fetchCa() throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new TrustAnything()}, new SecureRandom());
    HttpResponse<byte[]> response =
        HttpClient.newBuilder()
            .sslContext(trustAll)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/ca.crt"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("/ca.crt: " + response.statusCode());
    }
    ca = Certificates.parseDer(response.body());
    return ca;
  }

  /** Joins with {@code token} ({@code hash.jwt}) after checking the CA hash, as edgecore does. */
  public HeldCertificate join(String token, String nodeName) throws Exception {
    String[] parts = token.split("\\.", 2);
    X509Certificate fetched = fetchCa();
    if (!Certificates.sha256Hex(fetched).equals(parts[0])) {
      throw new IllegalStateException("CA hash mismatch");
    }
    return edgeCrt(nodeName, Optional.of(parts[1]), Optional.empty()).orElseThrow();
  }

  /** Rotates over mutual TLS with {@code current}, no token. */
  public HeldCertificate rotate(HeldCertificate current, String nodeName) throws Exception {
    return edgeCrt(nodeName, Optional.empty(), Optional.of(current)).orElseThrow();
  }

  /** The status /edge.crt answers; a certificate on 200. */
  public int edgeCrtStatus(String nodeName, Optional<String> jwt, Optional<HeldCertificate> current)
      throws Exception {
    return send(nodeName, jwt, current, csr()).statusCode();
  }

  private Optional<HeldCertificate> edgeCrt(
      String nodeName, Optional<String> jwt, Optional<HeldCertificate> current) throws Exception {
    KeyPair key = Keys.newP256();
    HttpResponse<byte[]> response =
        send(
            nodeName,
            jwt,
            current,
            Csr.create(key, new X500Principal("CN=kubeedge.io, O=kubeEdge")));
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "/edge.crt: " + response.statusCode() + " " + new String(response.body(), UTF_8));
    }
    return Optional.of(
        new HeldCertificate(key.getPrivate(), List.of(Certificates.parseDer(response.body()))));
  }

  private static Csr csr() {
    return Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge"));
  }

  private HttpResponse<byte[]> send(
      String nodeName, Optional<String> jwt, Optional<HeldCertificate> current, Csr csr)
      throws Exception {
    if (ca == null) {
      fetchCa();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/edge.crt"))
            .timeout(Duration.ofSeconds(10))
            // A GET with a body, as edgecore sends it.
            .method("GET", HttpRequest.BodyPublishers.ofByteArray(csr.der()))
            .header("NodeName", nodeName);
    jwt.ifPresent(j -> request.header("Authorization", "Bearer " + j));
    return HttpClient.newBuilder()
        .sslContext(JdkTls.context(current, List.of(ca)))
        .build()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * Opens the session with Go's header spelling; the server's certificate is checked for 127.0.0.1.
   */
  public Session connect(HeldCertificate certificate, String nodeId) throws Exception {
    Session session = new Session();
    session.ws =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(Optional.of(certificate), List.of(ca)))
            .build()
            .newWebSocketBuilder()
            .header("Node_id", nodeId)
            .header("Project_id", PROJECT)
            .header("Connectionuse", "msg")
            .buildAsync(
                URI.create(
                    "wss://127.0.0.1:" + websocketPort + "/" + PROJECT + "/" + nodeId + "/events"),
                session)
            .get(10, TimeUnit.SECONDS);
    return session;
  }

  /** One close as the client saw it; -1: the connection failed without a close frame. */
  public record Close(int code, String reason) {}

  public static final class Session implements WebSocket.Listener {
    public final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    public final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    /**
     * false: takes no more frames after the one it has (the JDK client then stops reading the
     * socket).
     */
    public volatile boolean reading = true;

    WebSocket ws;

    public void send(String text) throws Exception {
      ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    public void close() {
      ws.abort();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      if (reading) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closes.add(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closes.add(new Close(-1, String.valueOf(error)));
    }
  }

  /** edgecore's first fetch of /ca.crt: no verification (the token's hash checks it afterwards). */
  private static final class TrustAnything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
