package dev.edgetrust.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageTest {
  @Test
  void keepalive_isWhatEdgecoreSends() {
    long before = System.currentTimeMillis();
    Message keepalive = Message.keepalive();
    assertThat(keepalive.route().source()).isEqualTo("websocket");
    assertThat(keepalive.route().group()).isEqualTo("resource");
    assertThat(keepalive.route().resource()).isEqualTo("node");
    assertThat(keepalive.route().operation()).isEqualTo("keepalive");
    assertThat(keepalive.route().destination()).isNull();
    assertThat(keepalive.content()).isEqualTo(TextNode.valueOf("ping"));
    assertThat(UUID.fromString(keepalive.header().id())).isNotNull();
    assertThat(keepalive.header().timestamp()).isBetween(before, System.currentTimeMillis());
    assertThat(keepalive.header().parentId()).isNull();
    assertThat(keepalive.isKeepalive()).isTrue();
    assertThat(keepalive.isEmpty()).isFalse();
    assertThat(keepalive.isResponse()).isFalse();
  }

  @Test
  void keepalives_haveDistinctIds() {
    assertThat(Message.keepalive().header().id()).isNotEqualTo(Message.keepalive().header().id());
  }

  @Test
  void response_pointsBackAtTheRequestAndReversesTheRoute() {
    Message request =
        new Message(
            new Message.Header("req-1", null, 1, "42", true, null),
            new Message.Route("cloudhub", "edged", "resource", "query", "default/configmap/cm"),
            TextNode.valueOf("question"));
    Message response = request.response(TextNode.valueOf("answer"));

    assertThat(response.header().parentId()).isEqualTo("req-1");
    assertThat(response.header().id()).isNotEmpty().isNotEqualTo("req-1");
    assertThat(response.header().timestamp()).isPositive();
    assertThat(response.route().operation()).isEqualTo("response");
    assertThat(response.route().source()).isEqualTo("edged");
    assertThat(response.route().destination()).isEqualTo("cloudhub");
    assertThat(response.route().group()).isEqualTo("resource");
    assertThat(response.route().resource()).isEqualTo("default/configmap/cm");
    assertThat(response.content()).isEqualTo(TextNode.valueOf("answer"));
    assertThat(response.isResponse()).isTrue();
    assertThat(response.isKeepalive()).isFalse();
  }

  @Test
  void response_isEncodedWithParentMsgIdAndOperationResponse() throws Exception {
    Message response = Message.keepalive().response(TextNode.valueOf("pong"));
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(MessageCodec.encode(response));
    assertThat(json.at("/header/parent_msg_id").asText()).isNotEmpty();
    assertThat(json.at("/route/operation").asText()).isEqualTo("response");
  }

  @Test
  void nullParts_becomeEmptyOnes() {
    Message message = new Message(null, null, null);
    assertThat(message.header().id()).isEmpty();
    assertThat(message.route()).isEqualTo(Message.Route.EMPTY);
    assertThat(message.route().isEmpty()).isTrue();
    assertThat(message.content().isNull()).isTrue();
    assertThat(message.isEmpty()).isTrue();
    assertThat(new Message.Header(null, null, 0, null, false, null).id()).isEmpty();
  }

  @Test
  void create_givesAFreshIdAndTheCurrentTime() {
    long before = System.currentTimeMillis();
    Message message =
        Message.create(new Message.Route("a", null, "g", "insert", "r"), TextNode.valueOf("c"));
    assertThat(message.header().id()).hasSize(36);
    assertThat(message.header().timestamp()).isBetween(before, System.currentTimeMillis());
    assertThat(message.header().sync()).isFalse();
  }
}
