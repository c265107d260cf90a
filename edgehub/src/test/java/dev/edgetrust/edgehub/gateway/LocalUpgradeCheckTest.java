package dev.edgetrust.edgehub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Keys;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which local WebSocket upgrades the gateway lets through, over real TLS without a socket. */
class LocalUpgradeCheckTest {
  private static final NodeName NODE = NodeName.of("node-a");

  @TempDir Path dir;
  private LocalCa ca;
  private final List<Message> upstream = new ArrayList<>();
  private LocalRelay relay;
  private final List<EmbeddedTls> links = new ArrayList<>();

  @BeforeEach
  void localCa() throws Exception {
    ca =
        LocalCa.loadOrCreate(
            GatewaySettings.builder().directory(dir.resolve("gateway")).build(),
            NODE,
            Clock.systemUTC());
    relay = new LocalRelay(NODE, upstream::add, 1 << 20);
    relay.upstreamOpened();
  }

  @AfterEach
  void closeAll() {
    links.forEach(EmbeddedTls::close);
  }

  private EmbeddedTls connect(Optional<KeyPair> key) throws Exception {
    EmbeddedTls link = new EmbeddedTls(ca, key, new LocalUpgradeCheck(NODE, relay));
    links.add(link);
    return link;
  }

  private EmbeddedTls withTheNodesCertificate() throws Exception {
    return connect(Optional.of(Keys.newP256()));
  }

  /** An upgrade as edgecore sends it; Go writes the header as {@code Node_id}. */
  private static FullHttpRequest upgrade(String path, String nodeId, String connectionUse) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    request
        .headers()
        .set(HttpHeaderNames.HOST, "127.0.0.1:10000")
        .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set("Node_id", nodeId)
        .set("ConnectionUse", connectionUse);
    return request;
  }

  private static HttpResponseStatus statusOf(Optional<FullHttpResponse> response) {
    FullHttpResponse r = response.orElseThrow();
    try {
      return r.status();
    } finally {
      r.release();
    }
  }

  @Test
  void theNodesCertificate_rightHeadersAndPath_upstreamUp_passesToTheWebSocketHandler()
      throws Exception {
    EmbeddedTls link = withTheNodesCertificate();

    Optional<FullHttpResponse> response =
        link.exchange(upgrade("/e632aba927ea4ac2b575ec1603d56f10/node-a/events", "node-a", "msg"));

    assertThat(response).isEmpty();
    assertThat(link.passedOn()).singleElement().isInstanceOf(FullHttpRequest.class);
    assertThat(link.server().pipeline().get(LocalUpgradeCheck.class))
        .as("removed once a request passed")
        .isNull();
  }

  @Test
  void noClientCertificate_isUnauthorized() throws Exception {
    EmbeddedTls link = connect(Optional.empty());

    assertThat(statusOf(link.exchange(upgrade("/p/node-a/events", "node-a", "msg"))))
        .isEqualTo(HttpResponseStatus.UNAUTHORIZED);
    assertThat(link.passedOn()).isEmpty();
  }

  @Test
  void nodeIdOfAnotherNode_isForbidden() throws Exception {
    EmbeddedTls link = withTheNodesCertificate();

    assertThat(statusOf(link.exchange(upgrade("/p/node-a/events", "node-b", "msg"))))
        .isEqualTo(HttpResponseStatus.FORBIDDEN);
    assertThat(link.passedOn()).isEmpty();
  }

  @Test
  void pathOfAnotherNodeOrNotEvents_isNotFound() throws Exception {
    assertThat(
            statusOf(
                withTheNodesCertificate().exchange(upgrade("/p/node-b/events", "node-a", "msg"))))
        .isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(
            statusOf(
                withTheNodesCertificate().exchange(upgrade("/p/node-a/other", "node-a", "msg"))))
        .isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(
            statusOf(
                withTheNodesCertificate().exchange(upgrade("/node-a/events", "node-a", "msg"))))
        .isEqualTo(HttpResponseStatus.NOT_FOUND);
  }

  @Test
  void connectionUseOtherThanMsg_isABadRequest() throws Exception {
    EmbeddedTls link = withTheNodesCertificate();

    assertThat(statusOf(link.exchange(upgrade("/p/node-a/events", "node-a", "str"))))
        .isEqualTo(HttpResponseStatus.BAD_REQUEST);
  }

  @Test
  void notAGet_isABadRequest() throws Exception {
    EmbeddedTls link = withTheNodesCertificate();
    FullHttpRequest post = upgrade("/p/node-a/events", "node-a", "msg");
    post.setMethod(HttpMethod.POST);

    assertThat(statusOf(link.exchange(post))).isEqualTo(HttpResponseStatus.BAD_REQUEST);
  }

  @Test
  void upstreamSessionDown_isServiceUnavailable_untilItIsBack() throws Exception {
    relay.upstreamClosed("the CloudHub went away");

    assertThat(
            statusOf(
                withTheNodesCertificate().exchange(upgrade("/p/node-a/events", "node-a", "msg"))))
        .isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);

    relay.upstreamOpened();
    EmbeddedTls again = withTheNodesCertificate();
    assertThat(again.exchange(upgrade("/p/node-a/events", "node-a", "msg"))).isEmpty();
    assertThat(again.passedOn()).hasSize(1);
  }
}
