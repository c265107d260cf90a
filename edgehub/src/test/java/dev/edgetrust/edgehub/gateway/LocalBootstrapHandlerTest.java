package dev.edgetrust.edgehub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloudcore's bootstrap as the gateway serves it to the local edgecore: only this node, only with
 * proof.
 */
class LocalBootstrapHandlerTest {
  private static final NodeName NODE = NodeName.of("node-a");
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @TempDir Path dir;
  private LocalCa ca;
  private final List<EmbeddedTls> links = new ArrayList<>();

  @BeforeEach
  void localCa() throws Exception {
    ca =
        LocalCa.loadOrCreate(
            GatewaySettings.builder().directory(dir.resolve("gateway")).build(),
            NODE,
            Clock.systemUTC());
  }

  @AfterEach
  void closeAll() {
    links.forEach(EmbeddedTls::close);
  }

  private EmbeddedTls connect(Optional<KeyPair> key) throws Exception {
    EmbeddedTls link = new EmbeddedTls(ca, key, new LocalBootstrapHandler(ca, Clock.systemUTC()));
    links.add(link);
    return link;
  }

  /** The status and body of the one reply. */
  private record Reply(HttpResponseStatus status, byte[] body) {}

  private static Reply reply(Optional<FullHttpResponse> response) {
    FullHttpResponse r = response.orElseThrow();
    try {
      return new Reply(r.status(), ByteBufUtil.getBytes(r.content()));
    } finally {
      r.release();
    }
  }

  /** edgecore's {@code GET /edge.crt}: a DER CSR, its node name, and its token if it has one. */
  private static FullHttpRequest edgeCrt(String nodeName, Optional<String> token, byte[] body) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, "/edge.crt", Unpooled.wrappedBuffer(body));
    request
        .headers()
        .set(HttpHeaderNames.HOST, "127.0.0.1:10002")
        .set("NodeName", nodeName)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    token.ifPresent(t -> request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + t));
    return request;
  }

  private static byte[] csr() {
    return Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge")).der();
  }

  private String localToken() {
    return bearer(LocalJoinTokens.mint(ca, Instant.now().plusSeconds(3600)));
  }

  /** What edgecore sends as the bearer: the token without its CA hash, as KubeEdge splits it. */
  private static String bearer(JoinToken token) {
    return token.value().substring(token.caHash().length() + 1);
  }

  @Test
  void caCrt_isTheLocalCa_inDer() throws Exception {
    Reply reply =
        reply(
            connect(Optional.empty())
                .exchange(
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ca.crt")));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(Certificates.parseDer(reply.body())).isEqualTo(ca.certificate());
  }

  @Test
  void edgeCrt_withTheLocalToken_issuesAClientOnlyCertificateForThisNode() throws Exception {
    Reply reply =
        reply(
            connect(Optional.empty())
                .exchange(edgeCrt("node-a", Optional.of(localToken()), csr())));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.OK);
    X509Certificate issued = Certificates.parseDer(reply.body());
    assertThat(NodeName.fromCertificate(issued)).isEqualTo(NODE);
    assertThat(issued.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    issued.verify(ca.certificate().getPublicKey());
  }

  @Test
  void edgeCrt_withTheNodesCertificateInTheHandshake_renewsWithoutAToken() throws Exception {
    Reply reply =
        reply(
            connect(Optional.of(Keys.newP256()))
                .exchange(edgeCrt("node-a", Optional.empty(), csr())));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(NodeName.fromCertificate(Certificates.parseDer(reply.body()))).isEqualTo(NODE);
  }

  @Test
  void edgeCrt_forAnotherNode_isForbidden_evenWithTheToken() throws Exception {
    Reply reply =
        reply(
            connect(Optional.empty())
                .exchange(edgeCrt("node-b", Optional.of(localToken()), csr())));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
  }

  @Test
  void edgeCrt_withNeitherTokenNorCertificate_isUnauthorized() throws Exception {
    Reply reply =
        reply(connect(Optional.empty()).exchange(edgeCrt("node-a", Optional.empty(), csr())));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
  }

  @Test
  void edgeCrt_withAnotherGatewaysToken_isUnauthorized() throws Exception {
    LocalCa other =
        LocalCa.loadOrCreate(
            GatewaySettings.builder().directory(dir.resolve("other")).build(),
            NODE,
            Clock.systemUTC());
    String foreign = bearer(LocalJoinTokens.mint(other, Instant.now().plusSeconds(3600)));

    Reply reply =
        reply(connect(Optional.empty()).exchange(edgeCrt("node-a", Optional.of(foreign), csr())));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
  }

  @Test
  void edgeCrt_withAnExpiredToken_isUnauthorized() throws Exception {
    String expired = bearer(LocalJoinTokens.mint(ca, Instant.now().minusSeconds(1)));

    Reply reply =
        reply(connect(Optional.empty()).exchange(edgeCrt("node-a", Optional.of(expired), csr())));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
  }

  @Test
  void edgeCrt_whoseBodyIsNotACsr_isABadRequest() throws Exception {
    Reply reply =
        reply(
            connect(Optional.empty())
                .exchange(edgeCrt("node-a", Optional.of(localToken()), new byte[] {1, 2, 3})));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
  }

  @Test
  void otherPaths_areNotFound() throws Exception {
    Reply reply =
        reply(
            connect(Optional.empty())
                .exchange(
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/other")));

    assertThat(reply.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
  }

  @Test
  void webSocketUpgrade_passesOnUntouched() throws Exception {
    EmbeddedTls link = connect(Optional.empty());
    FullHttpRequest upgrade =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/p/node-a/events");
    upgrade
        .headers()
        .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
        .set(HttpHeaderNames.CONNECTION, "Upgrade");

    assertThat(link.exchange(upgrade)).isEmpty();

    assertThat(link.passedOn())
        .singleElement()
        .isInstanceOfSatisfying(
            FullHttpRequest.class, r -> assertThat(r.uri()).isEqualTo("/p/node-a/events"));
  }
}
