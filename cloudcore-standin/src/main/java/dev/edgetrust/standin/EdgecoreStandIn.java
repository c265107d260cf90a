package dev.edgetrust.standin;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.tls.HandshakeCertificates;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * A client that speaks exactly as a stock edgecore v1.15 does (DESIGN.md §3), for the demo and
 * tests: it joins with a KubeEdge join token ({@code /ca.crt} fetched unverified and checked
 * against the token's hash, a new P-256 key, a CSR for {@code CN=kubeedge.io, O=kubeEdge}, no
 * {@code ExtKeyUsages}), dials {@code wss://<server>/<project>/<node>/events} with Go's header
 * spelling ({@code Node_id}, {@code Project_id}, {@code Connectionuse: msg}), writes each message
 * as gorilla's {@code WriteJSON} does (JSON and a newline), sends edgecore's keepalive every
 * heartbeat, answers every cloud message with {@code operation: "response"} and {@code
 * parent_msg_id}, and says goodbye with the empty message before it closes. A test and demo aid,
 * not an edge anyone runs.
 */
public final class EdgecoreStandIn implements AutoCloseable {
  /** edgecore's last words before it closes its connection. */
  public static final String GOODBYE =
      "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}\n";

  private static final X500Principal EDGECORE_SUBJECT =
      new X500Principal("CN=kubeedge.io, O=kubeEdge");

  /** What a join leaves on the node: its key and certificate, and the CA it pinned. */
  public record Joined(HeldCertificate credentials, X509Certificate ca) {}

  /** How a session ended, as this edge saw it. */
  public record Closed(int status, String reason) {}

  private final WebSocket ws;
  private final Listener listener;
  private final ScheduledExecutorService keepalive;

  private EdgecoreStandIn(WebSocket ws, Listener listener, ScheduledExecutorService keepalive) {
    this.ws = ws;
    this.listener = listener;
    this.keepalive = keepalive;
  }

  /**
   * edgecore's first start: joins at {@code httpServer} ({@code https://host:port}) as {@code node}
   * with {@code token} ({@code <sha256 of the CA>.<JWT>}).
   *
   * @throws IOException with the server's answer if the CA does not match the token or the join is
   *     refused
   */
  public static Joined join(URI httpServer, String node, String token, Duration timeout)
      throws IOException, InterruptedException {
    int dot = token.indexOf('.');
    if (dot < 0) {
      throw new IOException("not a join token: no '.' between the CA hash and the JWT");
    }
    HttpClient unverified =
        HttpClient.newBuilder().sslContext(trustingAnyone()).connectTimeout(timeout).build();
    HttpResponse<byte[]> caAnswer =
        unverified.send(
            HttpRequest.newBuilder(httpServer.resolve("/ca.crt")).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (caAnswer.statusCode() != 200
        || !Certificates.sha256Hex(caAnswer.body()).equals(token.substring(0, dot))) {
      throw new IOException("the CA at " + httpServer + " does not match the join token's hash");
    }
    X509Certificate ca = Certificates.parseDer(caAnswer.body());
    KeyPair keys = Keys.newP256();
    HttpClient pinned =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(Optional.empty(), List.of(ca)))
            .connectTimeout(timeout)
            .build();
    HttpResponse<byte[]> answer =
        pinned.send(
            HttpRequest.newBuilder(httpServer.resolve("/edge.crt"))
                .timeout(timeout)
                // Go's http client sends a GET with the CSR as its body, as edgecore does.
                .method(
                    "GET",
                    HttpRequest.BodyPublishers.ofByteArray(
                        Csr.create(keys, EDGECORE_SUBJECT).der()))
                .header("NodeName", node)
                .header("Authorization", "Bearer " + token.substring(dot + 1))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (answer.statusCode() != 200) {
      throw new IOException(
          "join refused: "
              + answer.statusCode()
              + " "
              + new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
    }
    return new Joined(
        new HeldCertificate(keys.getPrivate(), List.of(Certificates.parseDer(answer.body()))), ca);
  }

  /**
   * Dials {@code server} as {@code node} with what {@code joined} left, and keeps the session with
   * a keepalive every {@code heartbeat}.
   */
  public static EdgecoreStandIn connect(
      InetSocketAddress server, String project, String node, Joined joined, Duration heartbeat)
      throws Exception {
    Listener listener = new Listener();
    WebSocket ws =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(Optional.of(joined.credentials()), List.of(joined.ca())))
            .build()
            .newWebSocketBuilder()
            .header("Node_id", node)
            .header("Project_id", project)
            .header("Connectionuse", "msg")
            .buildAsync(
                URI.create(
                    "wss://"
                        + server.getHostString()
                        + ":"
                        + server.getPort()
                        + "/"
                        + project
                        + "/"
                        + node
                        + "/events"),
                listener)
            .get(10, TimeUnit.SECONDS);
    ScheduledExecutorService keepalive =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edgecore-keepalive-" + node);
              t.setDaemon(true);
              return t;
            });
    keepalive.scheduleAtFixedRate(
        () -> listener.write(Message.keepalive()), 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    return new EdgecoreStandIn(ws, listener, keepalive);
  }

  /**
   * Sends {@code message} as gorilla's {@code WriteJSON} does: one text frame, JSON and a newline.
   */
  public void send(Message message) {
    listener.write(message);
  }

  /**
   * Cloud messages as they arrived (responses to this edge's messages included, keepalives not).
   */
  public BlockingQueue<Message> received() {
    return listener.received;
  }

  /**
   * Completes when the session ends: a close frame's status, or 1006 for a connection that just
   * went.
   */
  public CompletableFuture<Closed> closed() {
    return listener.closed;
  }

  /** edgecore's goodbye: the empty message, then a normal close. */
  @Override
  public void close() {
    keepalive.shutdownNow();
    listener
        .send(GOODBYE)
        .thenCompose(w -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
        .orTimeout(5, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
    ws.abort();
  }

  /**
   * Reads the session and writes to it, one frame at a time (the JDK allows one send in flight).
   */
  private static final class Listener implements WebSocket.Listener {
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    @Override
    public void onOpen(WebSocket webSocket) {
      synchronized (this) {
        ws = webSocket;
      }
      webSocket.request(1);
    }

    void write(Message message) {
      send(MessageCodec.encodeFrame(message));
    }

    synchronized CompletableFuture<?> send(String text) {
      lastSend =
          lastSend
              .thenCompose(
                  x ->
                      ws.isOutputClosed()
                          ? CompletableFuture.completedFuture(null)
                          : ws.sendText(text, true))
              .exceptionally(e -> null);
      return lastSend;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          Message message = MessageCodec.decode(text);
          if (!message.isKeepalive() && !message.isEmpty()) {
            received.add(message);
            if (!message.isResponse()) {
              // What edged/metaManager do with a cloud message: answer it.
              write(message.response(TextNode.valueOf("OK")));
            }
          }
        } catch (IllegalArgumentException notJson) {
          // edgecore logs and drops what it cannot decode.
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Closed(1006, String.valueOf(error.getMessage())));
    }
  }

  /** edgecore fetches /ca.crt without verification; the token's hash is what it trusts. */
  private static SSLContext trustingAnyone() {
    return HandshakeCertificates.builder().trustManager(new AnyServer()).build().sslContext();
  }

  private static final class AnyServer extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("a client's trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("a client's trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("a client's trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
