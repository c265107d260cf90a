package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses ACL policy text: HCL {@code path "p" { capabilities = [...] }} blocks (and the old {@code
 * policy = "read"} shorthand), or the same in JSON. Anything else (parameter constraints, wrapping
 * TTLs) is refused rather than silently ignored, so a test never relies on a rule the stand-in does
 * not enforce.
 */
final class PolicyText {
  static final Set<String> CAPABILITIES =
      Set.of("create", "read", "update", "patch", "delete", "list", "sudo", "deny");

  private PolicyText() {}

  /** Path pattern to capabilities, in order of appearance. */
  static Map<String, Set<String>> parse(String text) {
    String t = text.strip();
    if (t.startsWith("{")) {
      return parseJson(t);
    }
    return new Hcl(text).policy();
  }

  private static Map<String, Set<String>> parseJson(String text) {
    Map<String, Set<String>> rules = new LinkedHashMap<>();
    try {
      JsonNode root = Json.MAPPER.readTree(text);
      for (var e : root.path("path").properties()) {
        rules.put(e.getKey(), capabilities(e.getValue(), e.getKey()));
      }
    } catch (IOException e) {
      throw VaultError.badRequest(
          "failed to parse policy: " + e.getMessage().lines().findFirst().orElse(""));
    }
    return rules;
  }

  private static Set<String> capabilities(JsonNode block, String path) {
    Set<String> caps = new LinkedHashSet<>();
    for (var e : block.properties()) {
      switch (e.getKey()) {
        case "capabilities" -> e.getValue().forEach(c -> caps.add(checked(c.asText(), path)));
        case "policy" -> caps.addAll(shorthand(e.getValue().asText(), path));
        default ->
            throw VaultError.badRequest(
                "failed to parse policy: the Vault stand-in does not support '"
                    + e.getKey()
                    + "' (path \""
                    + path
                    + "\")");
      }
    }
    return caps;
  }

  private static String checked(String cap, String path) {
    if (!CAPABILITIES.contains(cap)) {
      throw VaultError.badRequest(
          "failed to parse policy: path \"" + path + "\": invalid capability \"" + cap + "\"");
    }
    return cap;
  }

  private static List<String> shorthand(String policy, String path) {
    return switch (policy) {
      case "deny" -> List.of("deny");
      case "read" -> List.of("read", "list");
      case "write" -> List.of("create", "read", "update", "delete", "list");
      case "sudo" -> List.of("create", "read", "update", "delete", "list", "sudo");
      default ->
          throw VaultError.badRequest(
              "failed to parse policy: path \"" + path + "\": invalid policy \"" + policy + "\"");
    };
  }

  /** A small tokenizer and parser for the HCL Vault policies are written in. */
  private static final class Hcl {
    private final String s;
    private int i;

    Hcl(String s) {
      this.s = s;
    }

    Map<String, Set<String>> policy() {
      Map<String, Set<String>> rules = new LinkedHashMap<>();
      while (true) {
        skip();
        if (i >= s.length()) {
          return rules;
        }
        String keyword = identifier();
        if (!keyword.equals("path")) {
          throw error("unexpected '" + keyword + "' (only path blocks are supported)");
        }
        skip();
        String path = string();
        skip();
        expect('{');
        Set<String> caps = new LinkedHashSet<>();
        while (true) {
          skip();
          if (peek() == '}') {
            i++;
            break;
          }
          String key = identifier();
          skip();
          expect('=');
          skip();
          switch (key) {
            case "capabilities" -> {
              for (String c : list()) {
                caps.add(checked(c, path));
              }
            }
            case "policy" -> caps.addAll(shorthand(string(), path));
            default ->
                throw error(
                    "the Vault stand-in does not support '" + key + "' (path \"" + path + "\")");
          }
        }
        rules.merge(
            path,
            caps,
            (a, b) -> {
              a.addAll(b);
              return a;
            });
      }
    }

    private List<String> list() {
      expect('[');
      List<String> out = new ArrayList<>();
      while (true) {
        skip();
        if (peek() == ']') {
          i++;
          return out;
        }
        out.add(string());
        skip();
        if (peek() == ',') {
          i++;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (i < s.length() && s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) {
          c = s.charAt(i++);
        }
        out.append(c);
      }
      expect('"');
      return out.toString();
    }

    private String identifier() {
      int start = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      if (start == i) {
        throw error("expected a name at offset " + i);
      }
      return s.substring(start, i);
    }

    private void skip() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '#' || c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
          while (i < s.length() && s.charAt(i) != '\n') {
            i++;
          }
        } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
          int end = s.indexOf("*/", i + 2);
          i = end < 0 ? s.length() : end + 2;
        } else {
          return;
        }
      }
    }

    private char peek() {
      if (i >= s.length()) {
        throw error("unexpected end of policy");
      }
      return s.charAt(i);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "' at offset " + i);
      }
      i++;
    }

    private VaultError error(String message) {
      return VaultError.badRequest("failed to parse policy: " + message);
    }
  }
}
