package dev.edgetrust.cloudhub.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.config.JoinTokens;
import dev.edgetrust.cloudhub.identity.Identifier;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ca.crt} and {@code /edge.crt} as the handler answers them, driven through an {@link
 * EmbeddedChannel} with a real built-in CA behind it: paths, methods, and the status and typed
 * refusal reason of each way a token enrollment is refused. (Renewals need a client certificate,
 * which needs TLS: {@code BootstrapTest} covers them end to end.)
 */
class BootstrapHandlerTest {
  @TempDir static Path dir;
  private static BuiltinCa ca;

  private final List<RefusalReason> refused = new CopyOnWriteArrayList<>();
  private final List<NodeName> issued = new CopyOnWriteArrayList<>();
  private final HubMetrics metrics =
      new HubMetrics() {
        @Override
        public void refused(RefusalReason reason) {
          refused.add(reason);
        }
      };
  private EmbeddedChannel channel;

  @BeforeAll
  static void ca() throws Exception {
    ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("ca.crt"), dir.resolve("ca.key")), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  /** A gate that refuses as told: {@code blocked} with 403's reason, {@code inUse} with 409's. */
  private static BootstrapHandler.EnrollmentGate gate(
      Optional<String> blocked, Optional<String> inUse) {
    return new BootstrapHandler.EnrollmentGate() {
      @Override
      public Optional<String> refusal(NodeName node, boolean renewal, String who) {
        return blocked;
      }

      @Override
      public Optional<String> reserve(NodeName node, String who) {
        return inUse;
      }

      @Override
      public void release(NodeName node) {}
    };
  }

  private FullHttpResponse ask(
      JoinTokens tokens, BootstrapHandler.EnrollmentGate gate, FullHttpRequest request) {
    channel =
        new EmbeddedChannel(
            new BootstrapHandler(
                ca,
                ca,
                Duration.ofDays(1),
                tokens,
                (node, certificate, renewal) -> issued.add(node),
                Runnable::run,
                gate,
                Identifier.BY_NAME,
                metrics));
    channel.writeInbound(request);
    channel.runPendingTasks();
    FullHttpResponse response = channel.readOutbound();
    assertThat(response).as("an answer").isNotNull();
    return response;
  }

  private FullHttpResponse ask(FullHttpRequest request) {
    return ask(JoinTokens.SHARED, gate(Optional.empty(), Optional.empty()), request);
  }

  private static FullHttpRequest request(
      HttpMethod method, String uri, Map<String, String> headers, byte[] body) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.wrappedBuffer(body));
    headers.forEach((k, v) -> request.headers().set(k, v));
    return request;
  }

  private static FullHttpRequest enrollment(String node, String authorization) {
    byte[] csr = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der();
    return request(
        HttpMethod.GET, "/edge.crt", Map.of("NodeName", node, "Authorization", authorization), csr);
  }

  private static String sharedToken() {
    String token = ca.mintJoinToken(Duration.ofHours(1)).value();
    return "Bearer " + token.substring(token.indexOf('.') + 1);
  }

  private static String body(FullHttpResponse response) {
    return response.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void caCrt_get_answersTheCaCertificateInDer() throws Exception {
    FullHttpResponse response = ask(request(HttpMethod.GET, "/ca.crt", Map.of(), new byte[0]));

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(Certificates.parseDer(ByteBufUtil.getBytes(response.content())))
        .isEqualTo(ca.caCertificate());
  }

  @Test
  void caCrt_post_isRefusedWith405() {
    assertThat(ask(request(HttpMethod.POST, "/ca.crt", Map.of(), new byte[0])).status().code())
        .isEqualTo(405);
  }

  @Test
  void edgeCrt_post_isRefusedWith405() {
    FullHttpResponse response = ask(request(HttpMethod.POST, "/edge.crt", Map.of(), new byte[0]));

    assertThat(response.status().code()).isEqualTo(405);
    assertThat(body(response)).contains("use GET with the CSR as body");
  }

  @Test
  void unknownPath_isRefusedWith404() {
    FullHttpResponse response = ask(request(HttpMethod.GET, "/%zz", Map.of(), new byte[0]));

    assertThat(response.status().code()).isEqualTo(404);
    assertThat(body(response)).contains("this server serves /ca.crt and /edge.crt");
  }

  @Test
  void edgeCrt_withASharedToken_signsForTheNode() throws Exception {
    FullHttpResponse response = ask(enrollment("edge-1", sharedToken()));

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(
            NodeName.fromCertificate(
                Certificates.parseDer(ByteBufUtil.getBytes(response.content()))))
        .isEqualTo(NodeName.of("edge-1"));
    assertThat(issued).containsExactly(NodeName.of("edge-1"));
    assertThat(refused).isEmpty();
  }

  @Test
  void edgeCrt_withoutTokenOrCertificate_isRefusedWith401() {
    byte[] csr = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io")).der();
    FullHttpResponse response =
        ask(request(HttpMethod.GET, "/edge.crt", Map.of("NodeName", "edge-1"), csr));

    assertThat(response.status().code()).isEqualTo(401);
    assertThat(body(response)).contains("missing Authorization: Bearer <join token>");
    assertThat(issued).isEmpty();
  }

  @Test
  void edgeCrt_withAForgedToken_isRefusedWith401() {
    FullHttpResponse response = ask(enrollment("edge-1", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA"));

    assertThat(response.status().code()).isEqualTo(401);
    assertThat(issued).isEmpty();
  }

  @Test
  void edgeCrt_withATokenBoundToAnotherNode_isRefusedWith403_asANodeMismatch() {
    String bound = ca.mintJoinToken(NodeName.of("edge-2"), Duration.ofHours(1)).value();
    FullHttpResponse response =
        ask(enrollment("edge-1", "Bearer " + bound.substring(bound.indexOf('.') + 1)));

    assertThat(response.status().code()).isEqualTo(403);
    assertThat(body(response)).contains("join token is bound to node 'edge-2'");
    assertThat(refused).containsExactly(RefusalReason.NODE_MISMATCH);
  }

  @Test
  void edgeCrt_withASharedToken_whereOnlyNodeBoundOnesEnroll_isRefusedWith403_asABadToken() {
    FullHttpResponse response =
        ask(
            JoinTokens.NODE_BOUND,
            gate(Optional.empty(), Optional.empty()),
            enrollment("edge-1", sharedToken()));

    assertThat(response.status().code()).isEqualTo(403);
    assertThat(body(response)).contains("shared join tokens are refused here");
    assertThat(refused).containsExactly(RefusalReason.BAD_TOKEN);
  }

  @Test
  void edgeCrt_forABlockedNode_isRefusedWith403_asBlocked() {
    FullHttpResponse response =
        ask(
            JoinTokens.SHARED,
            gate(Optional.of("node edge-1 is blocked"), Optional.empty()),
            enrollment("edge-1", sharedToken()));

    assertThat(response.status().code()).isEqualTo(403);
    assertThat(body(response)).isEqualTo("node edge-1 is blocked\n");
    assertThat(refused).containsExactly(RefusalReason.BLOCKED);
    assertThat(issued).isEmpty();
  }

  @Test
  void edgeCrt_forANameInUse_isRefusedWith409_asInUse() {
    FullHttpResponse response =
        ask(
            JoinTokens.SHARED,
            gate(Optional.empty(), Optional.of("node edge-1 has a live session")),
            enrollment("edge-1", sharedToken()));

    assertThat(response.status().code()).isEqualTo(409);
    assertThat(refused).containsExactly(RefusalReason.NODE_IN_USE);
    assertThat(issued).isEmpty();
  }
}
