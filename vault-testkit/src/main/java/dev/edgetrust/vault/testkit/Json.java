package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** JSON as Vault reads request fields and writes its response envelope. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array(Collection<String> values) {
    ArrayNode a = MAPPER.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  /** The standard response envelope around {@code data} and/or {@code auth}. */
  static ObjectNode envelope(JsonNode data, JsonNode auth, List<String> warnings) {
    ObjectNode e = object();
    e.put("request_id", UUID.randomUUID().toString());
    e.put("lease_id", "");
    e.put("renewable", false);
    e.put("lease_duration", 0);
    e.set("data", data == null ? NullNode.getInstance() : data);
    e.set("wrap_info", NullNode.getInstance());
    e.set(
        "warnings",
        warnings == null || warnings.isEmpty() ? NullNode.getInstance() : array(warnings));
    e.set("auth", auth == null ? NullNode.getInstance() : auth);
    return e;
  }

  /**
   * A list field as Vault's framework reads it: a JSON array, or a comma-separated string. Missing
   * is empty.
   */
  static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(
          n -> {
            if (!n.asText().isEmpty()) {
              out.add(n.asText());
            }
          });
      return out;
    }
    for (String s : node.asText().split(",")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  /** A bool field: JSON true/false or the strings "true"/"false"; {@code dflt} when missing. */
  static boolean bool(JsonNode node, String field, boolean dflt) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return dflt;
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    String t = node.asText();
    if (t.equalsIgnoreCase("true") || t.equals("1")) {
      return true;
    }
    if (t.equalsIgnoreCase("false") || t.equals("0")) {
      return false;
    }
    throw VaultError.badRequest(
        "error converting input " + t + " for field \"" + field + "\": invalid syntax");
  }

  static int integer(JsonNode node, String field, int dflt) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return dflt;
    }
    if (node.canConvertToInt()) {
      return node.asInt();
    }
    try {
      return Integer.parseInt(node.asText().strip());
    } catch (NumberFormatException e) {
      throw VaultError.badRequest(
          "error converting input "
              + node.asText()
              + " for field \""
              + field
              + "\": invalid syntax");
    }
  }

  static String text(JsonNode node, String dflt) {
    return node == null || node.isMissingNode() || node.isNull() ? dflt : node.asText();
  }
}
