package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** An HTTP answer: status, content type and body bytes. */
record Reply(int status, String contentType, byte[] body) {
  static Reply json(JsonNode node) {
    return json(200, node);
  }

  static Reply json(int status, JsonNode node) {
    try {
      return new Reply(status, "application/json", Json.MAPPER.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** 200 with the standard envelope around {@code data}. */
  static Reply data(JsonNode data) {
    return json(Json.envelope(data, null, List.of()));
  }

  static Reply data(JsonNode data, List<String> warnings) {
    return json(Json.envelope(data, null, warnings));
  }

  static Reply noContent() {
    return new Reply(204, null, new byte[0]);
  }

  static Reply raw(String contentType, byte[] body) {
    return body.length == 0 ? noContent() : new Reply(200, contentType, body);
  }

  static Reply text(String contentType, String body) {
    return raw(contentType, body.getBytes(StandardCharsets.US_ASCII));
  }

  static Reply error(VaultError e) {
    return json(e.status, Json.object().set("errors", Json.array(e.errors)));
  }
}
