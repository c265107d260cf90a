package dev.edgetrust.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Turns text frames into {@link Message}s and back.
 *
 * <p>Tolerant where KubeEdge is (unknown fields, a trailing newline, numbers as strings in the
 * header), strict where it matters: one JSON object per frame, bounded nesting.
 */
public final class MessageCodec {
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(64)
                          .maxStringLength(8 << 20)
                          .build())
                  .build())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private MessageCodec() {}

  /**
   * @throws IllegalArgumentException if {@code text} is not one JSON message object
   */
  public static Message decode(String text) {
    try {
      JsonNode tree = JSON.readTree(text.strip());
      if (tree == null || !tree.isObject()) {
        throw new IllegalArgumentException("message is not a JSON object");
      }
      return JSON.treeToValue(tree, Message.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed message: " + e.getOriginalMessage(), e);
    }
  }

  public static String encode(Message message) {
    try {
      return JSON.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message we built cannot be encoded", e);
    }
  }

  /**
   * The text of one WebSocket frame carrying {@code message}, as KubeEdge writes it: viaduct's
   * WebSocket lane sends with gorilla's {@code WriteJSON}, which is {@code json.Encoder.Encode}, so
   * the JSON is followed by one newline.
   */
  public static String encodeFrame(Message message) {
    return encode(message) + "\n";
  }

  /** The shared mapper, for building message content. */
  public static ObjectMapper json() {
    return JSON;
  }
}
