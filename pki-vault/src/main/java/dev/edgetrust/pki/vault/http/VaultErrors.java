package dev.edgetrust.pki.vault.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Vault's error bodies ({@code {"errors":[...]}}) as one readable line. */
public final class VaultErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LENGTH = 300;

  private VaultErrors() {}

  /**
   * The error texts of a Vault error body, joined with "; ", with Go's multierror framing ("1 error
   * occurred:\n\t* ...") removed. Empty if the body has none.
   */
  static String text(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    List<String> messages = new ArrayList<>();
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      for (JsonNode e : errors) {
        messages.addAll(unwrap(e.asText()));
      }
    } catch (IOException e) {
      // Not JSON (a proxy's HTML page, say): show its start, made printable.
      return printable(new String(body, StandardCharsets.UTF_8));
    }
    return printable(String.join("; ", messages));
  }

  private static List<String> unwrap(String message) {
    List<String> out = new ArrayList<>();
    String m = message.strip();
    if (m.matches("(?s)\\d+ errors? occurred:.*")) {
      for (String line : m.split("\n")) {
        String l = line.strip();
        if (l.startsWith("* ")) {
          out.add(l.substring(2).strip());
        }
      }
      if (!out.isEmpty()) {
        return out;
      }
    }
    if (!m.isEmpty()) {
      out.add(m);
    }
    return out;
  }

  public static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (out.length() >= MAX_LENGTH) {
        out.append('…');
        break;
      }
      out.append(c == '\n' || c == '\t' ? ' ' : c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString().strip();
  }
}
