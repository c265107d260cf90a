package dev.edgetrust.pki.vault.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A successful answer from Vault's API: status 200 with the standard envelope ({@code data}, {@code
 * auth}, {@code warnings}, ...), or 204 with no body.
 */
public record VaultResponse(int status, JsonNode body) {
  public VaultResponse {
    body = body == null ? MissingNode.getInstance() : body;
  }

  /** The {@code data} object; a missing node (never null) if there is none. */
  public JsonNode data() {
    return body.path("data");
  }

  /** The {@code auth} block of a login or token answer, if there is one. */
  public Optional<JsonNode> auth() {
    JsonNode auth = body.path("auth");
    return auth.isObject() ? Optional.of(auth) : Optional.empty();
  }

  /**
   * Vault's {@code warnings}: things it changed or ignored, such as a TTL capped to the role's max.
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    JsonNode w = body.path("warnings");
    if (w.isArray()) {
      w.forEach(n -> out.add(n.asText()));
    } else if (w.isTextual() && !w.asText().isEmpty()) {
      out.add(w.asText());
    }
    return out;
  }

  /** Whether Vault answered 204 (no content). */
  public boolean isEmpty() {
    return status == 204 || body.isMissingNode();
  }
}
