package dev.edgetrust.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * A WebSocket text frame from a node is any string: {@link MessageCodec#decode} returns a message
 * or refuses with {@link IllegalArgumentException}, nothing else; and a message it accepted can be
 * forwarded: it encodes, the encoding decodes, and encoding that gives the same text (empty fields
 * are dropped on the first encoding, as KubeEdge's omitempty does, and never again).
 */
class MessageCodecFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void decodeRefusesCleanly(byte[] input) {
    String frame = new String(input, StandardCharsets.UTF_8);
    Message message;
    try {
      message = MessageCodec.decode(frame);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    String encoded = MessageCodec.encode(message);
    assertThat(MessageCodec.encode(MessageCodec.decode(encoded))).isEqualTo(encoded);
  }
}
