package dev.edgetrust.pki.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SerialNumbers;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every node certificate the built-in CA signed and that has not expired, by node: what blocking a
 * node must revoke. Kept in a JSON file replaced atomically after each signature; expired entries
 * are dropped when it is written (an expired certificate is refused anyway). Not thread safe:
 * {@link BuiltinCa} serializes access.
 */
final class IssuedSerials {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  /** node → serial → notAfter, in issue order. */
  private final Map<NodeName, Map<BigInteger, Instant>> issued;

  private IssuedSerials(Path file, Map<NodeName, Map<BigInteger, Instant>> issued) {
    this.file = file;
    this.issued = issued;
  }

  static IssuedSerials load(Path file) throws CredentialFileException {
    Map<NodeName, Map<BigInteger, Instant>> issued = new TreeMap<>();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return new IssuedSerials(file, issued);
    } catch (IOException e) {
      throw new CredentialFileException(file, "is not a readable JSON inventory: " + e.getMessage());
    }
    JsonNode nodes = root == null ? null : root.get("nodes");
    if (nodes == null || !nodes.isObject()) {
      throw new CredentialFileException(file, "has no 'nodes' object");
    }
    for (var e : nodes.properties()) {
      try {
        Map<BigInteger, Instant> serials = new LinkedHashMap<>();
        for (JsonNode c : e.getValue()) {
          serials.put(SerialNumbers.parse(c.path("serial").asText("")), Instant.parse(c.path("notAfter").asText("")));
        }
        issued.put(NodeName.of(e.getKey()), serials);
      } catch (IllegalArgumentException | DateTimeParseException ex) {
        throw new CredentialFileException(file, "has an unreadable entry for '" + e.getKey() + "': " + ex.getMessage());
      }
    }
    return new IssuedSerials(file, issued);
  }

  /** Records a certificate signed for {@code node} and persists the inventory. */
  void add(NodeName node, BigInteger serial, Instant notAfter, Instant now) throws IOException {
    issued.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(serial, notAfter);
    issued.values().forEach(m -> m.values().removeIf(exp -> exp.isBefore(now)));
    issued.values().removeIf(Map::isEmpty);
    save();
  }

  /** The serials of {@code node}'s certificates that had not expired at {@code now}. */
  Set<BigInteger> of(NodeName node, Instant now) {
    return issued.getOrDefault(node, Map.of()).entrySet().stream()
        .filter(e -> !e.getValue().isBefore(now))
        .map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }

  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode nodes = root.putObject("nodes");
    issued.forEach((node, serials) -> {
      var array = nodes.putArray(node.value());
      serials.forEach((s, exp) ->
          array.addObject().put("serial", SerialNumbers.toColonHex(s)).put("notAfter", exp.toString()));
    });
    AtomicFile.writePublic(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
