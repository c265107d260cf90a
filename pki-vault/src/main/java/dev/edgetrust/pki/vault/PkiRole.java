package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The parameters edgetrust sets on a PKI role, so that a role can be written and an existing one
 * compared with what it should be (setup reports "already done" only when they agree).
 */
final class PkiRole {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  PkiRole set(String name, boolean value) {
    fields.put(name, value);
    return this;
  }

  PkiRole set(String name, int value) {
    fields.put(name, value);
    return this;
  }

  PkiRole set(String name, String value) {
    fields.put(name, Objects.requireNonNull(value, name));
    return this;
  }

  PkiRole set(String name, List<String> values) {
    fields.put(name, List.copyOf(values));
    return this;
  }

  PkiRole set(String name, Duration value) {
    fields.put(name, value);
    return this;
  }

  /** The request body for {@code POST <mount>/roles/<name>}. */
  ObjectNode request() {
    ObjectNode body = VaultClient.object();
    fields.forEach(
        (name, value) -> {
          if (value instanceof Boolean b) {
            body.put(name, b);
          } else if (value instanceof Integer i) {
            body.put(name, i);
          } else if (value instanceof Duration d) {
            body.put(name, VaultDurations.format(d));
          } else if (value instanceof List<?> list) {
            ArrayNode array = body.putArray(name);
            list.forEach(v -> array.add((String) v));
          } else {
            body.put(name, (String) value);
          }
        });
    return body;
  }

  /** The fields of a role as Vault reads it back ({@code data}) that differ from this one. */
  List<String> differences(JsonNode data) {
    List<String> out = new ArrayList<>();
    fields.forEach(
        (name, value) -> {
          JsonNode actual = data.path(name);
          if (!same(value, actual)) {
            out.add(name);
          }
        });
    return out;
  }

  private static boolean same(Object value, JsonNode actual) {
    if (actual.isMissingNode() || actual.isNull()) {
      return value instanceof List<?> l && l.isEmpty();
    }
    if (value instanceof Boolean b) {
      return actual.isBoolean() ? actual.asBoolean() == b : actual.asText().equals(b.toString());
    }
    if (value instanceof Integer i) {
      return actual.asInt(Integer.MIN_VALUE) == i;
    }
    if (value instanceof Duration d) {
      try {
        return VaultDurations.parse(actual, "ttl").equals(d);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    if (value instanceof List<?> list) {
      // Vault returns lists as arrays, and (older versions) some as comma-separated strings.
      TreeSet<String> have = new TreeSet<>();
      if (actual.isArray()) {
        actual.forEach(v -> have.add(v.asText()));
      } else {
        for (String s : actual.asText().split(",")) {
          if (!s.isBlank()) {
            have.add(s.strip());
          }
        }
      }
      TreeSet<String> want = new TreeSet<>();
      list.forEach(v -> want.add((String) v));
      return have.equals(want);
    }
    return actual.asText().equals(value);
  }
}
