package dev.edgetrust.cloudhub.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.identity.Identifier;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket upgrade check, behind a real TLS handshake between two {@link EmbeddedChannel}s (no
 * sockets): the node is the one its client certificate names, whatever the {@code node_id} header
 * or the path say; each refusal has its status and its typed reason.
 */
class UpgradeAuthenticatorTest {
  private static final String PROJECT = "e632aba927ea4ac2b575ec1603d56f10";
  @TempDir static Path dir;
  private static BuiltinCa ca;
  private static HeldCertificate server;
  private static HeldCertificate edge1;

  private final List<RefusalReason> refused = new CopyOnWriteArrayList<>();
  private final List<Object> passed = new CopyOnWriteArrayList<>();
  private EmbeddedChannel cloud;
  private EmbeddedChannel edge;

  @BeforeAll
  static void certificates() throws Exception {
    ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("ca.crt"), dir.resolve("ca.key")), Clock.systemUTC());
    KeyPair serverKeys = Keys.newP256();
    IssuedCertificate s =
        ca.sign(
            SigningRequest.forServer(
                "cloudhub",
                Csr.create(serverKeys, new X500Principal("CN=cloudhub")),
                List.of("localhost"),
                List.of(),
                Duration.ofDays(1)));
    server =
        new HeldCertificate(serverKeys.getPrivate(), List.of(s.certificate(), ca.caCertificate()));
    KeyPair edgeKeys = Keys.newP256();
    IssuedCertificate e =
        ca.sign(
            SigningRequest.forNode(
                NodeName.of("edge-1"),
                Csr.create(edgeKeys, new X500Principal("CN=kubeedge.io")),
                Duration.ofDays(1)));
    edge1 =
        new HeldCertificate(edgeKeys.getPrivate(), List.of(e.certificate(), ca.caCertificate()));
  }

  @AfterEach
  void close() {
    if (cloud != null) {
      cloud.finishAndReleaseAll();
      edge.finishAndReleaseAll();
    }
    passed.forEach(ReferenceCountUtil::release);
  }

  /** The server's pipeline up to the authenticator, and what passes it recorded; TLS done. */
  private void connect(
      Optional<HeldCertificate> client,
      int nodeLimit,
      Function<X509Certificate, Optional<Refusal>> admission)
      throws Exception {
    SslContext serverTls =
        SslContextBuilder.forServer(server.privateKey(), server.chain())
            .sslProvider(SslProvider.JDK)
            .protocols(TlsProtocols.supported())
            .trustManager(ca.trustAnchors())
            .clientAuth(ClientAuth.OPTIONAL)
            .build();
    SslContextBuilder clientTls =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(TlsProtocols.supported())
            .trustManager(ca.trustAnchors());
    if (client.isPresent()) {
      clientTls.keyManager(client.get().privateKey(), client.get().chain());
    }
    HubMetrics metrics =
        new HubMetrics() {
          @Override
          public void refused(RefusalReason reason) {
            refused.add(reason);
          }
        };
    cloud = new EmbeddedChannel();
    cloud
        .pipeline()
        .addLast(
            serverTls.newHandler(cloud.alloc()),
            new HttpServerCodec(),
            new HttpObjectAggregator(65536),
            new UpgradeAuthenticator(
                new SessionRegistry(nodeLimit), Identifier.BY_NAME, admission, metrics),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passed.add(msg);
              }
            });
    edge = new EmbeddedChannel();
    edge.pipeline()
        .addLast(
            clientTls.build().newHandler(edge.alloc(), "localhost", 10000),
            new HttpClientCodec(),
            new HttpObjectAggregator(65536));
    pump();
  }

  /** Carries bytes both ways until neither side has more to say. */
  private void pump() {
    boolean moved = true;
    while (moved) {
      moved = false;
      for (Object out; (out = edge.readOutbound()) != null; moved = true) {
        cloud.writeInbound(out);
      }
      for (Object out; (out = cloud.readOutbound()) != null; moved = true) {
        edge.writeInbound(out);
      }
      cloud.runPendingTasks();
      edge.runPendingTasks();
    }
  }

  private Optional<FullHttpResponse> upgrade(
      HttpMethod method, String path, Optional<String> nodeId) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path);
    nodeId.ifPresent(n -> request.headers().set("node_id", n));
    request.headers().set("project_id", PROJECT);
    edge.writeOutbound(request);
    pump();
    return Optional.ofNullable(edge.readInbound());
  }

  private Optional<FullHttpResponse> upgrade(String pathNode, String nodeId) {
    return upgrade(HttpMethod.GET, "/" + PROJECT + "/" + pathNode + "/events", Optional.of(nodeId));
  }

  private static Optional<Refusal> admitAll(X509Certificate certificate) {
    return Optional.empty();
  }

  private void assertRefused(
      Optional<FullHttpResponse> response, int status, RefusalReason reason, String says) {
    assertThat(response).as("a refusal").isPresent();
    try {
      assertThat(response.get().status().code()).isEqualTo(status);
      assertThat(response.get().content().toString(StandardCharsets.UTF_8)).contains(says);
    } finally {
      response.get().release();
    }
    assertThat(refused).containsExactly(reason);
    assertThat(passed).as("nothing reaches the WebSocket handshaker").isEmpty();
  }

  @Test
  void certificateHeaderAndPathAgree_requestPasses_asTheCertificatesNode() throws Exception {
    connect(Optional.of(edge1), 10, UpgradeAuthenticatorTest::admitAll);

    assertThat(upgrade("edge-1", "edge-1")).isEmpty();

    assertThat(passed).singleElement().isInstanceOf(FullHttpRequest.class);
    assertThat(cloud.attr(UpgradeAuthenticator.NODE).get()).isEqualTo(NodeName.of("edge-1"));
    assertThat(cloud.attr(UpgradeAuthenticator.PROJECT_SEGMENT).get()).isEqualTo(PROJECT);
    assertThat(cloud.pipeline().get(UpgradeAuthenticator.class)).as("removed once passed").isNull();
    assertThat(refused).isEmpty();
  }

  @Test
  void nodeIdHeaderNamingAnotherNode_isRefusedWith403_asAMismatch() throws Exception {
    connect(Optional.of(edge1), 10, UpgradeAuthenticatorTest::admitAll);

    assertRefused(
        upgrade("edge-2", "edge-2"),
        403,
        RefusalReason.NODE_MISMATCH,
        "node_id 'edge-2' does not match the client certificate's node 'edge-1'");
  }

  @Test
  void pathNamingAnotherNode_isRefusedWith403_asAMismatch() throws Exception {
    connect(Optional.of(edge1), 10, UpgradeAuthenticatorTest::admitAll);

    assertRefused(
        upgrade("edge-2", "edge-1"),
        403,
        RefusalReason.NODE_MISMATCH,
        "path names node 'edge-2' but the client certificate names 'edge-1'");
  }

  @Test
  void noNodeIdHeader_isRefusedWith400() throws Exception {
    connect(Optional.of(edge1), 10, UpgradeAuthenticatorTest::admitAll);

    assertRefused(
        upgrade(HttpMethod.GET, "/" + PROJECT + "/edge-1/events", Optional.empty()),
        400,
        RefusalReason.BAD_REQUEST,
        "missing node_id header");
  }

  @Test
  void notAGet_isRefusedWith405() throws Exception {
    connect(Optional.of(edge1), 10, UpgradeAuthenticatorTest::admitAll);

    assertRefused(
        upgrade(HttpMethod.POST, "/" + PROJECT + "/edge-1/events", Optional.of("edge-1")),
        405,
        RefusalReason.BAD_REQUEST,
        "a WebSocket upgrade is a GET");
  }

  @Test
  void pathOfAnotherShape_isRefusedWith404() throws Exception {
    connect(Optional.of(edge1), 10, UpgradeAuthenticatorTest::admitAll);

    assertRefused(
        upgrade(HttpMethod.GET, "/edge-1/events", Optional.of("edge-1")),
        404,
        RefusalReason.BAD_REQUEST,
        "expected the path /<projectID>/<nodeName>/events");
  }

  @Test
  void noClientCertificate_isRefusedWith401() throws Exception {
    connect(Optional.empty(), 10, UpgradeAuthenticatorTest::admitAll);

    assertRefused(
        upgrade("edge-1", "edge-1"),
        401,
        RefusalReason.NO_CLIENT_CERTIFICATE,
        "a client certificate is required");
  }

  @Test
  void certificateTheAccessPolicyRefuses_isRefusedWith403_withItsReason() throws Exception {
    connect(
        Optional.of(edge1),
        10,
        c -> Optional.of(new Refusal(RefusalReason.BLOCKED, "node edge-1 is blocked")));

    assertRefused(
        upgrade("edge-1", "edge-1"), 403, RefusalReason.BLOCKED, "node edge-1 is blocked");
  }

  @Test
  void nodeLimitReached_isRefusedWith503() throws Exception {
    connect(Optional.of(edge1), 0, UpgradeAuthenticatorTest::admitAll);

    assertRefused(
        upgrade("edge-1", "edge-1"),
        503,
        RefusalReason.NODE_LIMIT,
        "node limit reached (nodeLimit=0)");
  }
}
