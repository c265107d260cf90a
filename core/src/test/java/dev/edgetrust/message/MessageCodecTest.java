package dev.edgetrust.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecTest {
  /** edgecore v1.15 sends this just before it closes the connection. */
  private static final String EDGECORE_EMPTY_MESSAGE =
      "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}";

  /** A plain mapper, independent of the codec's, to look at what the codec wrote. */
  private static final ObjectMapper PLAIN = new ObjectMapper();

  @Test
  void fullMessage_isEncodedWithKubeEdgeGoFieldNames() throws Exception {
    ObjectNode content = PLAIN.createObjectNode().put("status", "Ready");
    Message message =
        new Message(
            new Message.Header("id-1", "parent-1", 1_700_000_000_123L, "4711", true, "channel"),
            new Message.Route(
                "edgehub", "cloudhub", "resource", "update", "default/nodestatus/edge-1"),
            content);
    JsonNode json = PLAIN.readTree(MessageCodec.encode(message));

    assertThat(fieldNames(json)).containsExactly("header", "route", "content");
    assertThat(fieldNames(json.get("header")))
        .containsExactlyInAnyOrder(
            "msg_id", "parent_msg_id", "timestamp", "resourceversion", "sync", "type");
    assertThat(json.at("/header/msg_id").asText()).isEqualTo("id-1");
    assertThat(json.at("/header/parent_msg_id").asText()).isEqualTo("parent-1");
    assertThat(json.at("/header/timestamp").isIntegralNumber()).isTrue();
    assertThat(json.at("/header/timestamp").asLong()).isEqualTo(1_700_000_000_123L);
    assertThat(json.at("/header/resourceversion").asText()).isEqualTo("4711");
    assertThat(json.at("/header/sync").asBoolean()).isTrue();
    assertThat(json.at("/header/type").asText()).isEqualTo("channel");
    assertThat(fieldNames(json.get("route")))
        .containsExactlyInAnyOrder("source", "destination", "group", "operation", "resource");
    assertThat(json.at("/route/source").asText()).isEqualTo("edgehub");
    assertThat(json.at("/route/destination").asText()).isEqualTo("cloudhub");
    assertThat(json.at("/route/group").asText()).isEqualTo("resource");
    assertThat(json.at("/route/operation").asText()).isEqualTo("update");
    assertThat(json.at("/route/resource").asText()).isEqualTo("default/nodestatus/edge-1");
    assertThat(json.get("content")).isEqualTo(content);
  }

  @Test
  void emptyOptionalFields_areOmittedAsGoOmitemptyDoes() throws Exception {
    // Go: ParentID, ResourceVersion, Sync, MessageType and every route field are omitempty;
    // msg_id and timestamp are always written, even empty or zero; content is always written.
    for (String empty : new String[] {null, ""}) {
      Message message =
          new Message(
              new Message.Header("", empty, 0, empty, false, empty),
              new Message.Route(empty, empty, "resource", "keepalive", empty),
              null);
      JsonNode json = PLAIN.readTree(MessageCodec.encode(message));
      assertThat(fieldNames(json.get("header")))
          .as("header with %s", empty)
          .containsExactly("msg_id", "timestamp");
      assertThat(json.at("/header/msg_id").asText()).isEmpty();
      assertThat(json.at("/header/timestamp").asLong()).isZero();
      assertThat(fieldNames(json.get("route")))
          .as("route with %s", empty)
          .containsExactlyInAnyOrder("group", "operation");
      assertThat(json.has("content")).isTrue();
      assertThat(json.get("content").isNull()).isTrue();
    }
  }

  @Test
  void emptyRoute_isWrittenAsAnEmptyObject() throws Exception {
    JsonNode json = PLAIN.readTree(MessageCodec.encode(new Message(null, null, null)));
    assertThat(json.get("route").isObject()).isTrue();
    assertThat(json.get("route").size()).isZero();
  }

  @Test
  void edgecoreEmptyMessage_decodesAsEmpty() {
    Message message = MessageCodec.decode(EDGECORE_EMPTY_MESSAGE);
    assertThat(message.isEmpty()).isTrue();
    assertThat(message.header().id()).isEmpty();
    assertThat(message.header().timestamp()).isZero();
    assertThat(message.route()).isEqualTo(Message.Route.EMPTY);
    assertThat(message.content().isNull()).isTrue();
    assertThat(message.isKeepalive()).isFalse();
    assertThat(message.isResponse()).isFalse();
  }

  @Test
  void messageWithContentOrIdOrRoute_isNotEmpty() {
    assertThat(
            MessageCodec.decode(
                    "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":\"x\"}")
                .isEmpty())
        .isFalse();
    assertThat(
            MessageCodec.decode(
                    "{\"header\":{\"msg_id\":\"a\",\"timestamp\":0},\"route\":{},\"content\":null}")
                .isEmpty())
        .isFalse();
    assertThat(
            MessageCodec.decode(
                    "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{\"operation\":\"x\"},\"content\":null}")
                .isEmpty())
        .isFalse();
  }

  @Test
  void trailingNewline_asEdgecoreSendsIt_isAccepted() {
    assertThat(MessageCodec.decode(EDGECORE_EMPTY_MESSAGE + "\n").isEmpty()).isTrue();
    assertThat(MessageCodec.decode(EDGECORE_EMPTY_MESSAGE + "\r\n").isEmpty()).isTrue();
  }

  @Test
  void twoObjectsInOneFrame_areRefused() {
    for (String frame :
        List.of(
            EDGECORE_EMPTY_MESSAGE + EDGECORE_EMPTY_MESSAGE,
            EDGECORE_EMPTY_MESSAGE + "\n" + EDGECORE_EMPTY_MESSAGE,
            EDGECORE_EMPTY_MESSAGE + " 1",
            EDGECORE_EMPTY_MESSAGE + "}")) {
      assertThatThrownBy(() -> MessageCodec.decode(frame))
          .as(frame)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("malformed message");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{}]", "\"text\"", "42", "true", "null", "", "   ", "\n"})
  void nonObject_isRefused(String frame) {
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"header\":",
        "{\"header\":{\"msg_id\":1",
        "{'header':{}}",
        "{\"header\":\"x\"}",
        "{\"header\":{\"timestamp\":\"soon\"}}",
        "{\"route\":[1]}",
        "{\"header\":{\"sync\":\"perhaps\"}}"
      })
  void malformedMessage_isRefusedWithIllegalArgument(String frame) {
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed message");
  }

  @Test
  void nestingDeeperThan64_isRefused() {
    String deep = "{\"content\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertThatThrownBy(() -> MessageCodec.decode(deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed message")
        .hasMessageContaining("64");
    String veryDeep = "{\"content\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}";
    assertThatThrownBy(() -> MessageCodec.decode(veryDeep))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nestingWithinTheLimit_isAccepted() {
    String nested = "[".repeat(60) + "]".repeat(60);
    Message message = MessageCodec.decode("{\"content\":" + nested + "}");
    JsonNode node = message.content();
    int depth = 0;
    while (node.isArray() && node.size() > 0) {
      node = node.get(0);
      depth++;
    }
    assertThat(depth).isEqualTo(59);
  }

  @Test
  void unknownFields_areIgnoredAsKubeEdgeDoes() {
    Message message =
        MessageCodec.decode(
            "{\"header\":{\"msg_id\":\"a\",\"timestamp\":1,\"tag\":\"x\"},\"route\":{\"source\":\"s\",\"target\":\"t\"},"
                + "\"content\":1,\"extra\":{\"y\":2}}");
    assertThat(message.header().id()).isEqualTo("a");
    assertThat(message.route().source()).isEqualTo("s");
  }

  @Test
  void headerNumbersAsStrings_areAccepted() {
    Message message =
        MessageCodec.decode("{\"header\":{\"msg_id\":\"a\",\"timestamp\":\"1700000000000\"}}");
    assertThat(message.header().timestamp()).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void edgecoreResponse_isRecognised() {
    Message message =
        MessageCodec.decode(
            "{\"header\":{\"msg_id\":\"m2\",\"parent_msg_id\":\"m1\",\"timestamp\":1700000000000,\"sync\":false},"
                + "\"route\":{\"source\":\"edged\",\"group\":\"resource\",\"operation\":\"response\",\"resource\":\"default/pod/p\"},"
                + "\"content\":\"OK\"}\n");
    assertThat(message.isResponse()).isTrue();
    assertThat(message.header().parentId()).isEqualTo("m1");
    assertThat(message.content()).isEqualTo(TextNode.valueOf("OK"));
  }

  @Test
  void encodeThenDecode_givesTheSameMessage() {
    Message original =
        new Message(
            new Message.Header("id-9", "p-9", 123, "rv", true, "t"),
            new Message.Route("a", "b", "c", "d", "e"),
            PLAIN
                .createArrayNode()
                .add(1)
                .add("two")
                .add(PLAIN.createObjectNode().putNull("three")));
    assertThat(MessageCodec.decode(MessageCodec.encode(original))).isEqualTo(original);
    Message keepalive = Message.keepalive();
    assertThat(MessageCodec.decode(MessageCodec.encode(keepalive))).isEqualTo(keepalive);
  }

  @Test
  void randomAndMutatedFrames_areRefusedWithIllegalArgumentOnly() {
    Random random = new Random(6);
    List<String> seeds =
        new ArrayList<>(List.of(EDGECORE_EMPTY_MESSAGE, MessageCodec.encode(Message.keepalive())));
    String alphabet = "{}[]\":,0123456789.eE+-truefalsnl \\u\n\tabc";
    for (int i = 0; i < 3_000; i++) {
      String frame;
      if (i % 3 == 0) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(80); n > 0; n--) {
          b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        frame = b.toString();
      } else {
        char[] chars = seeds.get(random.nextInt(seeds.size())).toCharArray();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        frame = new String(chars);
      }
      try {
        MessageCodec.decode(frame);
      } catch (IllegalArgumentException expected) {
        // refused, as it should be
      } catch (RuntimeException e) {
        fail("decode threw " + e + " for " + frame, e);
      }
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
