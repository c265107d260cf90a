package dev.edgetrust.cloudhub.revocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every certificate serial the CloudHub has seen per node — presented at a handshake or issued by
 * its bootstrap — with its expiry: what a block revokes, whichever PKI issued the certificate and
 * whether or not that PKI keeps a list of its own.
 *
 * <p>Recording happens on I/O threads and must not wait for a disk: the map is updated at once and
 * the file (JSON, replaced atomically) is written by a background thread, changes coalesced.
 * Expired entries are dropped when it is written.
 */
public final class NodeInventory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeInventory.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One certificate of a node. */
  public record Entry(BigInteger serial, Instant notAfter, Instant firstSeen, String source) {}

  private final Path file;
  private final Clock clock;
  private final ConcurrentMap<NodeName, ConcurrentMap<BigInteger, Entry>> nodes;
  private final ExecutorService writer;
  private final AtomicBoolean saveQueued = new AtomicBoolean();
  private final AtomicBoolean dirty = new AtomicBoolean();

  private NodeInventory(
      Path file, Clock clock, ConcurrentMap<NodeName, ConcurrentMap<BigInteger, Entry>> nodes) {
    this.file = file;
    this.clock = clock;
    this.nodes = nodes;
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "edgetrust-inventory");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Reads the inventory; a missing file is an empty one.
   *
   * @throws IOException with a one-line message naming the file if it exists but does not parse
   */
  public static NodeInventory load(Path file, Clock clock) throws IOException {
    ConcurrentMap<NodeName, ConcurrentMap<BigInteger, Entry>> nodes = new ConcurrentHashMap<>();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return new NodeInventory(file, clock, nodes);
    } catch (IOException e) {
      throw new IOException(
          file
              + ": not a readable node inventory ("
              + e.getMessage()
              + "); fix it or move it away");
    }
    JsonNode all = root == null ? null : root.get("nodes");
    if (all == null || !all.isObject()) {
      throw new IOException(
          file + ": not a node inventory (no 'nodes' object); fix it or move it away");
    }
    for (var e : all.properties()) {
      try {
        ConcurrentMap<BigInteger, Entry> entries = new ConcurrentHashMap<>();
        for (JsonNode c : e.getValue()) {
          BigInteger serial = SerialNumbers.parse(c.path("serial").asText(""));
          entries.put(
              serial,
              new Entry(
                  serial,
                  Instant.parse(c.path("notAfter").asText("")),
                  Instant.parse(c.path("firstSeen").asText("")),
                  c.path("source").asText("seen")));
        }
        nodes.put(NodeName.of(e.getKey()), entries);
      } catch (IllegalArgumentException | DateTimeParseException ex) {
        throw new IOException(
            file
                + ": unreadable entry for '"
                + e.getKey()
                + "' ("
                + ex.getMessage()
                + "); fix it or move it away");
      }
    }
    return new NodeInventory(file, clock, nodes);
  }

  /** Records {@code certificate} for {@code node} ({@code source}: "seen" or "issued"). */
  public void record(NodeName node, X509Certificate certificate, String source) {
    BigInteger serial = certificate.getSerialNumber();
    Entry entry = new Entry(serial, certificate.getNotAfter().toInstant(), clock.instant(), source);
    Entry before =
        nodes.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).putIfAbsent(serial, entry);
    if (before == null) {
      dirty.set(true);
      queueSave();
    }
  }

  /** The serials of {@code node}'s certificates that have not expired. */
  public Set<BigInteger> serials(NodeName node) {
    Instant now = clock.instant();
    return nodes.getOrDefault(node, new ConcurrentHashMap<>()).values().stream()
        .filter(e -> !e.notAfter().isBefore(now))
        .map(Entry::serial)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The certificate of {@code node} seen or issued last. */
  public Optional<Entry> latest(NodeName node) {
    return nodes.getOrDefault(node, new ConcurrentHashMap<>()).values().stream()
        .max(Comparator.comparing(Entry::firstSeen).thenComparing(Entry::notAfter));
  }

  public Set<NodeName> nodes() {
    return Set.copyOf(nodes.keySet());
  }

  public Path file() {
    return file;
  }

  private void queueSave() {
    if (saveQueued.compareAndSet(false, true)) {
      try {
        writer.execute(this::save);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        saveQueued.set(false);
      }
    }
  }

  /**
   * Writes the file now if anything changed, from the caller's thread (the background writer does
   * it otherwise).
   */
  public synchronized void save() {
    saveQueued.set(false);
    if (!dirty.getAndSet(false)) {
      return;
    }
    Instant now = clock.instant();
    nodes.values().forEach(m -> m.values().removeIf(e -> e.notAfter().isBefore(now)));
    ObjectNode root = JSON.createObjectNode();
    ObjectNode all = root.putObject("nodes");
    new TreeMap<>(nodes)
        .forEach(
            (node, entries) -> {
              if (entries.isEmpty()) {
                return;
              }
              var array = all.putArray(node.value());
              entries.values().stream()
                  .sorted(Comparator.comparing(Entry::firstSeen))
                  .forEach(
                      e ->
                          array
                              .addObject()
                              .put("serial", SerialNumbers.toColonHex(e.serial()))
                              .put("notAfter", e.notAfter().toString())
                              .put("firstSeen", e.firstSeen().toString())
                              .put("source", e.source()));
            });
    try {
      AtomicFile.writePublic(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      dirty.set(true);
      log.warn(
          "cannot write the node inventory {}: {}; it is kept in memory and written with the next change",
          file,
          e.getMessage());
    }
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NodeInventory[" + file + ", " + nodes.size() + " nodes]";
  }
}
