package dev.edgetrust.cloudhub;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;

/** A CloudHub on loopback with a fresh built-in CA, and a KubeEdge-like client for it. */
final class HubFixture implements AutoCloseable {
  final Path dir;
  final BuiltinCa ca;
  final PkiProvider provider;
  final CloudHubSettings settings;
  final CloudHub hub;
  final List<String> events = new CopyOnWriteArrayList<>();
  final BlockingQueue<Map.Entry<NodeName, Message>> received = new LinkedBlockingQueue<>();

  private HubFixture(Path dir, BuiltinCa ca, PkiProvider provider, CloudHubSettings settings)
      throws Exception {
    this.dir = dir;
    this.ca = ca;
    this.provider = provider;
    this.settings = settings;
    this.hub =
        CloudHub.start(
            settings,
            provider,
            new CloudHubListener() {
              @Override
              public void onMessage(NodeName node, Message message) {
                received.add(Map.entry(node, message));
              }

              @Override
              public void onConnected(SessionInfo session) {
                events.add("connected " + session.node());
              }

              @Override
              public void onDisconnected(SessionInfo session) {
                events.add("disconnected " + session.node());
              }
            },
            Clock.systemUTC());
  }

  static HubFixture start(Path dir) throws Exception {
    return start(dir, s -> s);
  }

  static HubFixture start(Path dir, UnaryOperator<CloudHubSettings> tweak) throws Exception {
    return start(dir, tweak, ca -> ca);
  }

  /** A hub whose PKI is {@code provider} made from the built-in CA (a stand-in that wraps it). */
  static HubFixture start(
      Path dir, UnaryOperator<CloudHubSettings> tweak, Function<BuiltinCa, PkiProvider> provider)
      throws Exception {
    CloudHubSettings settings = tweak.apply(CloudHubSettings.loopback(dir));
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
            Clock.systemUTC());
    return new HubFixture(dir, ca, provider.apply(ca), settings);
  }

  /** Connects {@code node} with {@code cert} and waits until the hub has registered the session. */
  Client connected(HeldCertificate cert, String node) throws Exception {
    Client client = new Client();
    connect(tls(cert), node, node, client).toCompletableFuture().get(10, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await().until(() -> hub.session(NodeName.of(node)).isPresent());
    return client;
  }

  /**
   * Tries to open a session and says how it ended: "open", "tls" (refused in the TLS handshake,
   * before any HTTP) or "http NNN" (refused at the upgrade).
   */
  String tryConnect(HeldCertificate cert, String node) {
    try {
      WebSocket ws =
          connect(tls(cert), node, node, new Client())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      ws.abort();
      return "open";
    } catch (Exception e) {
      Throwable c = e;
      while (c != null && !(c instanceof WebSocketHandshakeException)) {
        c = c.getCause();
      }
      return c == null
          ? "tls"
          : "http " + ((WebSocketHandshakeException) c).getResponse().statusCode();
    }
  }

  /**
   * The body of the answer to an upgrade as {@code nodeId} with {@code cert}: why it is refused.
   */
  String refusalBody(HeldCertificate cert, String nodeId) throws Exception {
    String head =
        "GET /e632aba927ea4ac2b575ec1603d56f10/"
            + nodeId
            + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "node_id: "
            + nodeId
            + "\r\nproject_id: e632aba927ea4ac2b575ec1603d56f10\r\nConnectionUse: msg\r\n\r\n";
    return RawTlsClient.send(
            tls(cert), "127.0.0.1", hub.websocketAddress().orElseThrow(), head, new byte[0])
        .body();
  }

  /** The audit log's lines, parsed. */
  List<com.fasterxml.jackson.databind.JsonNode> audit() throws Exception {
    Path file = settings.revocation().auditFile();
    if (!Files.exists(file)) {
      return List.of();
    }
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(json.readTree(line));
    }
    return lines;
  }

  String jwt() {
    String token = ca.mintJoinToken(Duration.ofHours(1)).value();
    return token.substring(token.indexOf('.') + 1);
  }

  URI bootstrapUri(String path) {
    return URI.create("https://127.0.0.1:" + hub.bootstrapAddress().orElseThrow().getPort() + path);
  }

  /** GET /edge.crt the way KubeEdge's edgecore does it. */
  HttpResponse<byte[]> edgeCrt(
      Optional<HeldCertificate> client, Map<String, String> headers, byte[] body) throws Exception {
    HttpClient http =
        HttpClient.newBuilder().sslContext(JdkTls.context(client, ca.trustAnchors())).build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(bootstrapUri("/edge.crt"))
            .method("GET", HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Enrolls {@code node} with a join token, its CSR saying what KubeEdge v1.15's edgecore says. */
  HeldCertificate enroll(String node) throws Exception {
    KeyPair keys = Keys.newP256();
    Csr csr = Csr.create(keys, new X500Principal("CN=kubeedge.io, O=kubeEdge"));
    HttpResponse<byte[]> response =
        edgeCrt(
            Optional.empty(),
            Map.of("NodeName", node, "Authorization", "Bearer " + jwt()),
            csr.der());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "enrollment failed: " + response.statusCode() + " " + new String(response.body(), UTF_8));
    }
    return new HeldCertificate(
        keys.getPrivate(), List.of(Certificates.parseDer(response.body()), ca.caCertificate()));
  }

  SSLContext tls(HeldCertificate client) {
    return JdkTls.context(Optional.of(client), ca.trustAnchors());
  }

  /** Opens a WebSocket session as {@code nodeId}, with KubeEdge's path and headers. */
  CompletionStage<WebSocket> connect(
      SSLContext tls, String nodeId, String pathNode, Client listener) {
    int port = hub.websocketAddress().orElseThrow().getPort();
    return HttpClient.newBuilder()
        .sslContext(tls)
        .build()
        .newWebSocketBuilder()
        .header("node_id", nodeId)
        .header("project_id", "e632aba927ea4ac2b575ec1603d56f10")
        .header("ConnectionUse", "msg")
        .buildAsync(
            URI.create(
                "wss://127.0.0.1:"
                    + port
                    + "/e632aba927ea4ac2b575ec1603d56f10/"
                    + pathNode
                    + "/events"),
            listener);
  }

  @Override
  public void close() {
    hub.close();
  }

  /** Records what the hub sends to a client. */
  static final class Client implements WebSocket.Listener {
    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();

    /** A close frame the hub sent, and when it arrived. */
    record Close(int code, String reason, java.time.Instant at) {}

    final BlockingQueue<Close> closeFrames = new LinkedBlockingQueue<>();
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        messages.add(MessageCodec.decode(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeFrames.add(new Close(statusCode, reason, java.time.Instant.now()));
      closes.add(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closes.add(-1);
    }
  }
}
