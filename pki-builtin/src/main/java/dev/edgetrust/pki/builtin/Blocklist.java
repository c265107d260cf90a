package dev.edgetrust.pki.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The nodes the built-in CA refuses to sign for, each with when it was blocked, kept in a JSON file
 * replaced atomically on every change so a block survives a restart or a crash. Not thread safe:
 * {@link BuiltinCa} serializes access.
 */
final class Blocklist {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<NodeName, Instant> blocked;

  private Blocklist(Path file, Map<NodeName, Instant> blocked) {
    this.file = file;
    this.blocked = blocked;
  }

  /** Reads the blocklist; a missing file is an empty list. */
  static Blocklist load(Path file) throws CredentialFileException {
    Map<NodeName, Instant> blocked = new TreeMap<>();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return new Blocklist(file, blocked);
    } catch (IOException e) {
      throw new CredentialFileException(
          file, "is not a readable JSON blocklist: " + e.getMessage());
    }
    JsonNode nodes = root == null ? null : root.get("blocked");
    if (nodes == null || !nodes.isArray()) {
      throw new CredentialFileException(file, "has no 'blocked' array");
    }
    for (JsonNode entry : nodes) {
      try {
        blocked.put(
            NodeName.of(entry.path("node").asText("")),
            Instant.parse(entry.path("since").asText("")));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new CredentialFileException(
            file, "has an unreadable entry " + entry + ": " + e.getMessage());
      }
    }
    return new Blocklist(file, blocked);
  }

  Optional<Instant> blockedSince(NodeName node) {
    return Optional.ofNullable(blocked.get(node));
  }

  /** Adds {@code node} and persists; returns false if it was already blocked. */
  boolean add(NodeName node, Instant now) throws IOException {
    if (blocked.containsKey(node)) {
      return false;
    }
    blocked.put(node, now);
    try {
      save();
    } catch (IOException e) {
      blocked.remove(node);
      throw e;
    }
    return true;
  }

  /** Removes {@code node} and persists; returns false if it was not blocked. */
  boolean remove(NodeName node) throws IOException {
    Instant since = blocked.remove(node);
    if (since == null) {
      return false;
    }
    try {
      save();
    } catch (IOException e) {
      blocked.put(node, since);
      throw e;
    }
    return true;
  }

  java.util.Set<NodeName> nodes() {
    return java.util.Set.copyOf(blocked.keySet());
  }

  Path file() {
    return file;
  }

  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode nodes = root.putArray("blocked");
    blocked.forEach(
        (node, since) ->
            nodes.addObject().put("node", node.value()).put("since", since.toString()));
    AtomicFile.writePublic(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
