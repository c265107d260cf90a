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
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The blocked node names and revoked serials the CloudHub holds itself, for exactly what its PKI
 * cannot hold: a PKI without {@code blocking()} (CFSSL, for one) leaves the names here, one without
 * {@code revocation()} the serials. With a PKI that can do both this list stays empty and its file
 * is never written.
 *
 * <p>Every change is on disk (written whole, fsynced, renamed over the old file, owner-only) before
 * it is in force, so a block reported done survives a crash and a restart. Reads take one immutable
 * snapshot without a lock: every handshake asks.
 */
final class LocalAccessList {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Snapshot(Set<NodeName> blocked, Set<BigInteger> revoked) {}

  private final Path file;
  private volatile Snapshot snapshot;

  private LocalAccessList(Path file, Snapshot snapshot) {
    this.file = file;
    this.snapshot = snapshot;
  }

  /**
   * Reads the list; a missing file is an empty list.
   *
   * @throws IOException with a one-line message naming the file and what to do, if it does not
   *     parse
   */
  static LocalAccessList load(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new LocalAccessList(file, new Snapshot(Set.of(), Set.of()));
    } catch (IOException e) {
      throw new IOException(file + ": cannot be read (" + AtomicFile.describeFailure(e) + ")", e);
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw new IOException("not a JSON object");
      }
      Set<NodeName> blocked = new HashSet<>();
      for (JsonNode n : array(root, "blockedNodes")) {
        blocked.add(NodeName.of(n.asText()));
      }
      Set<BigInteger> revoked = new HashSet<>();
      for (JsonNode s : array(root, "revokedSerials")) {
        revoked.add(new BigInteger(s.asText(), 16));
      }
      return new LocalAccessList(file, new Snapshot(Set.copyOf(blocked), Set.copyOf(revoked)));
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          file
              + ": not a readable list of the nodes and serials the CloudHub refuses itself ("
              + e.getMessage()
              + "); restore it from a backup: removing it lifts those blocks",
          e);
    }
  }

  private static JsonNode array(JsonNode root, String field) throws IOException {
    JsonNode node = root.get(field);
    if (node == null) {
      return JSON.createArrayNode();
    }
    if (!node.isArray()) {
      throw new IOException("'" + field + "' is not a list");
    }
    return node;
  }

  Path file() {
    return file;
  }

  boolean isBlocked(NodeName node) {
    return snapshot.blocked().contains(node);
  }

  boolean isRevoked(BigInteger serial) {
    return snapshot.revoked().contains(serial);
  }

  Set<NodeName> blockedNodes() {
    return snapshot.blocked();
  }

  /**
   * Refuses {@code node} by name from now on.
   *
   * @return false if it already was
   * @throws IOException if the list cannot be written; nothing changed then
   */
  synchronized boolean block(NodeName node) throws IOException {
    Snapshot s = snapshot;
    if (s.blocked().contains(node)) {
      return false;
    }
    Set<NodeName> blocked = new HashSet<>(s.blocked());
    blocked.add(node);
    replace(new Snapshot(Set.copyOf(blocked), s.revoked()));
    return true;
  }

  /** Undoes {@link #block}; false if {@code node} was not blocked here. */
  synchronized boolean unblock(NodeName node) throws IOException {
    Snapshot s = snapshot;
    if (!s.blocked().contains(node)) {
      return false;
    }
    Set<NodeName> blocked = new HashSet<>(s.blocked());
    blocked.remove(node);
    replace(new Snapshot(Set.copyOf(blocked), s.revoked()));
    return true;
  }

  /** Refuses every serial in {@code serials} from now on; revoked serials stay revoked. */
  synchronized void revoke(Collection<BigInteger> serials) throws IOException {
    Snapshot s = snapshot;
    if (s.revoked().containsAll(serials)) {
      return;
    }
    Set<BigInteger> revoked = new HashSet<>(s.revoked());
    revoked.addAll(serials);
    replace(new Snapshot(s.blocked(), Set.copyOf(revoked)));
  }

  /** On disk first, then in force: a change that could not be written is not made. */
  private void replace(Snapshot next) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode blocked = root.putArray("blockedNodes");
    new TreeSet<>(next.blocked()).forEach(n -> blocked.add(n.value()));
    ArrayNode revoked = root.putArray("revokedSerials");
    new TreeSet<>(next.revoked()).forEach(s -> revoked.add(s.toString(16)));
    try {
      AtomicFile.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + AtomicFile.describeFailure(e), e);
    }
    snapshot = next;
  }

  /** Whether anything is held here (for the start-up log line). */
  Optional<String> summary() {
    Snapshot s = snapshot;
    if (s.blocked().isEmpty() && s.revoked().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        s.blocked().size()
            + " blocked node(s) and "
            + s.revoked().size()
            + " revoked serial(s) in "
            + file);
  }
}
