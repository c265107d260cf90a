package dev.edgetrust.pki.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.SerialNumbers;
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
 * node must revoke. Not thread safe, except {@link #awaitDurable}: {@link BuiltinCa} serializes the
 * rest, and waits for the disk outside its lock so that concurrent signatures share fsyncs.
 *
 * <p>Kept as a JSON snapshot (replaced atomically) plus a journal beside it ({@link
 * SerialJournal}): each signature appends one line, and the certificate is handed out only once an
 * fsync (shared with the signatures appended meanwhile) has covered it, so recording a serial costs
 * the same for ten nodes or ten thousand. When the journal grows as long as the inventory it is
 * folded into a new snapshot (expired entries dropped) and removed. A crash can tear only the
 * journal's last line, for a certificate that was never handed out: loading skips it.
 */
final class IssuedSerials {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Fold the journal into the snapshot once it has this many lines, or as many as the inventory.
   */
  static final int MIN_COMPACTION = 1024;

  private final Path file;
  private final SerialJournal journal;

  /** node → serial → notAfter, in issue order. */
  private final Map<NodeName, Map<BigInteger, Instant>> issued;

  private int journalLines;

  private IssuedSerials(
      Path file, Map<NodeName, Map<BigInteger, Instant>> issued, int journalLines) {
    this.file = file;
    this.journal = new SerialJournal(journalOf(file));
    this.issued = issued;
    this.journalLines = journalLines;
  }

  static Path journalOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".journal");
  }

  static IssuedSerials load(Path file) throws CredentialFileException {
    Map<NodeName, Map<BigInteger, Instant>> issued = new TreeMap<>();
    readSnapshot(file, issued);
    int replayed = replayJournal(journalOf(file), issued);
    return new IssuedSerials(file, issued, replayed);
  }

  private static void readSnapshot(Path file, Map<NodeName, Map<BigInteger, Instant>> issued)
      throws CredentialFileException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new CredentialFileException(
          file, "is not a readable JSON inventory: " + e.getMessage());
    }
    JsonNode nodes = root == null ? null : root.get("nodes");
    if (nodes == null || !nodes.isObject()) {
      throw new CredentialFileException(file, "has no 'nodes' object");
    }
    for (var e : nodes.properties()) {
      try {
        Map<BigInteger, Instant> serials = new LinkedHashMap<>();
        for (JsonNode c : e.getValue()) {
          serials.put(
              SerialNumbers.parse(c.path("serial").asText("")),
              Instant.parse(c.path("notAfter").asText("")));
        }
        issued.put(NodeName.of(e.getKey()), serials);
      } catch (IllegalArgumentException | DateTimeParseException ex) {
        throw new CredentialFileException(
            file, "has an unreadable entry for '" + e.getKey() + "': " + ex.getMessage());
      }
    }
  }

  /** Applies the journal's lines; a torn last line (a crash mid-append) is skipped. */
  private static int replayJournal(Path journal, Map<NodeName, Map<BigInteger, Instant>> issued)
      throws CredentialFileException {
    java.util.List<String> lines;
    try {
      lines = Files.readAllLines(journal, java.nio.charset.StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new CredentialFileException(journal, "cannot be read: " + e.getMessage());
    }
    int applied = 0;
    for (int i = 0; i < lines.size(); i++) {
      String[] parts = lines.get(i).split(" ");
      try {
        if (parts.length != 3) {
          throw new IllegalArgumentException("expected 'node serial notAfter'");
        }
        issued
            .computeIfAbsent(NodeName.of(parts[0]), n -> new LinkedHashMap<>())
            .put(SerialNumbers.parse(parts[1]), Instant.parse(parts[2]));
        applied++;
      } catch (IllegalArgumentException | DateTimeParseException ex) {
        if (i < lines.size() - 1) {
          throw new CredentialFileException(
              journal, "line " + (i + 1) + " is unreadable: " + ex.getMessage());
        }
        // The last line alone may be torn by a crash during its append; nothing was handed out for
        // it.
      }
    }
    return applied;
  }

  /** Records a certificate signed for {@code node}, durably, before it is handed out. */
  void add(NodeName node, BigInteger serial, Instant notAfter, Instant now) throws IOException {
    awaitDurable(append(node, serial, notAfter, now));
  }

  /**
   * Records a certificate signed for {@code node}; it is durable once {@link #awaitDurable} with
   * the returned ticket returns, and must not be handed out before.
   */
  long append(NodeName node, BigInteger serial, Instant notAfter, Instant now) throws IOException {
    String line = node.value() + " " + SerialNumbers.toColonHex(serial) + " " + notAfter + "\n";
    long ticket = journal.append(line.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    issued.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(serial, notAfter);
    journalLines++;
    if (journalLines >= Math.max(MIN_COMPACTION, size())) {
      compact(now);
    }
    return ticket;
  }

  /**
   * Returns when the entry with {@code ticket} is on disk (thread safe; may share an fsync with
   * others).
   */
  void awaitDurable(long ticket) throws IOException {
    journal.awaitDurable(ticket);
  }

  /** Folds the journal into a new snapshot without expired entries, then removes the journal. */
  void compact(Instant now) throws IOException {
    issued.values().forEach(m -> m.values().removeIf(exp -> exp.isBefore(now)));
    issued.values().removeIf(Map::isEmpty);
    save();
    // The snapshot holds every entry appended so far, so they are durable whether or not their
    // fsync ran. A crash before the journal is deleted only replays entries the snapshot has.
    journal.replaced();
    journalLines = 0;
  }

  private int size() {
    return issued.values().stream().mapToInt(Map::size).sum();
  }

  /** The serials of {@code node}'s certificates that had not expired at {@code now}. */
  Set<BigInteger> of(NodeName node, Instant now) {
    return issued.getOrDefault(node, Map.of()).entrySet().stream()
        .filter(e -> !e.getValue().isBefore(now))
        .map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Closes the journal file (it is reopened by the next append). */
  void close() throws IOException {
    journal.close();
  }

  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode nodes = root.putObject("nodes");
    issued.forEach(
        (node, serials) -> {
          var array = nodes.putArray(node.value());
          serials.forEach(
              (s, exp) ->
                  array
                      .addObject()
                      .put("serial", SerialNumbers.toColonHex(s))
                      .put("notAfter", exp.toString()));
        });
    AtomicFile.writePublic(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
