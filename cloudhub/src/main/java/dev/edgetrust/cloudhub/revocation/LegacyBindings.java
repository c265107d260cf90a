package dev.edgetrust.cloudhub.revocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which node each cloudcore-issued certificate speaks for, learnt on first use in migration mode
 * (trust on first use): serial to node, one serial per node. Durable before it is in force (written
 * whole, fsynced, renamed, owner-only), so a binding survives a crash and a restart and the same
 * certificate can never later speak for another node.
 */
final class LegacyBindings {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A binding: the node, and when it was made. */
  record Binding(NodeName node, Instant boundAt) {}

  private final Path file;
  private volatile Map<BigInteger, Binding> bySerial;

  private LegacyBindings(Path file, Map<BigInteger, Binding> bySerial) {
    this.file = file;
    this.bySerial = bySerial;
  }

  /**
   * Reads the bindings; a missing file is none.
   *
   * @throws IOException with one line naming the file and what to do, if it does not parse
   */
  static LegacyBindings load(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new LegacyBindings(file, Map.of());
    } catch (IOException e) {
      throw new IOException(file + ": cannot be read (" + AtomicFile.describeFailure(e) + ")", e);
    }
    try {
      JsonNode bindings = JSON.readTree(bytes).path("bindings");
      if (!bindings.isArray()) {
        throw new IOException("'bindings' is not a list");
      }
      Map<BigInteger, Binding> read = new HashMap<>();
      for (JsonNode b : bindings) {
        read.put(
            new BigInteger(b.path("serial").asText(), 16),
            new Binding(
                NodeName.of(b.path("node").asText()), Instant.parse(b.path("boundAt").asText())));
      }
      return new LegacyBindings(file, Map.copyOf(read));
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          file
              + ": not a readable list of cloudcore certificates bound to nodes ("
              + e.getMessage()
              + "); restore it from a backup: without it every such certificate binds anew",
          e);
    }
  }

  Optional<Binding> of(BigInteger serial) {
    return Optional.ofNullable(bySerial.get(serial));
  }

  /** The serial bound to {@code node}, if one is. */
  Optional<BigInteger> serialOf(NodeName node) {
    return bySerial.entrySet().stream()
        .filter(e -> e.getValue().node().equals(node))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /**
   * Binds {@code serial} to {@code node}, on disk first.
   *
   * @return the binding in force afterwards: this one, or the one another request made first
   * @throws IOException if it cannot be written; nothing is bound then
   */
  synchronized Binding bind(BigInteger serial, NodeName node, Instant now) throws IOException {
    Binding existing = bySerial.get(serial);
    if (existing != null) {
      return existing;
    }
    Map<BigInteger, Binding> next = new HashMap<>(bySerial);
    Binding made = new Binding(node, now);
    next.put(serial, made);
    replace(next);
    return made;
  }

  /** Forgets {@code node}'s binding (an operator's reset): false if it had none. */
  synchronized boolean release(NodeName node) throws IOException {
    Map<BigInteger, Binding> next = new HashMap<>(bySerial);
    if (!next.values().removeIf(b -> b.node().equals(node))) {
      return false;
    }
    replace(next);
    return true;
  }

  private void replace(Map<BigInteger, Binding> next) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("bindings");
    new TreeMap<>(next)
        .forEach(
            (serial, b) ->
                list.addObject()
                    .put("serial", serial.toString(16))
                    .put("node", b.node().value())
                    .put("boundAt", b.boundAt().toString()));
    try {
      AtomicFile.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + AtomicFile.describeFailure(e), e);
    }
    bySerial = Map.copyOf(next);
  }
}
