package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubStatus;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What both demos share: printing steps and the summary, judging the run, recording what the cloud
 * receives, and waiting for a condition with a limit.
 */
final class DemoScript {
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final List<Boolean> steps = new ArrayList<>();
  private final Map<NodeName, List<Message>> atCloud = new ConcurrentHashMap<>();

  DemoScript(PrintStream out) {
    this.out = out;
  }

  /** Prints one step and remembers whether it held. */
  void step(boolean held, String what, String detail) {
    steps.add(held);
    out.printf(
        "  %-8s %s%s%n",
        held ? "[ok]" : "[FAILED]", what, detail.isEmpty() ? "" : "\n           " + detail);
    out.flush();
  }

  /** Prints the verdict line; true only if every step held. */
  boolean verdict() {
    long held = steps.stream().filter(b -> b).count();
    out.println();
    out.println(
        held == steps.size()
            ? "All " + steps.size() + " steps held."
            : (steps.size() - held) + " of " + steps.size() + " steps did NOT hold.");
    return held == steps.size();
  }

  /** Records what the cloud receives, per node. */
  CloudHubListener recorder() {
    return new CloudHubListener() {
      @Override
      public void onMessage(NodeName node, Message message) {
        atCloud.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>()).add(message);
      }
    };
  }

  List<Message> fromNode(NodeName node, Predicate<Message> which) {
    return atCloud.getOrDefault(node, List.of()).stream().filter(which).toList();
  }

  /** Sends each node a message and waits until every one has answered it (parent_msg_id set). */
  boolean cloudToEdge(CloudHub cloud, Collection<NodeName> nodes, String text) {
    Map<NodeName, String> sent = new LinkedHashMap<>();
    for (NodeName node : nodes) {
      Message m =
          Message.create(
              new Message.Route(
                  "edgecontroller", "edged", "resource", "update", "default/pod/demo"),
              TextNode.valueOf(text));
      if (cloud.send(node, m)) {
        sent.put(node, m.header().id());
      }
    }
    return sent.size() == nodes.size()
        && waitFor(
            () ->
                sent.entrySet().stream()
                    .allMatch(
                        e ->
                            !fromNode(
                                    e.getKey(),
                                    m ->
                                        m.isResponse()
                                            && e.getValue().equals(m.header().parentId()))
                                .isEmpty()));
  }

  /** Every node sends the cloud a message; true once one from each has arrived. */
  boolean edgeToCloud(Map<NodeName, EdgeHub> edges) {
    for (Map.Entry<NodeName, EdgeHub> e : edges.entrySet()) {
      e.getValue()
          .send(
              Message.create(
                  new Message.Route(
                      "edged", "meta", "resource", "update", "default/node/" + e.getKey()),
                  TextNode.valueOf("status of " + e.getKey())));
    }
    return waitFor(
        () -> edges.keySet().stream().allMatch(n -> !fromNode(n, m -> !m.isResponse()).isEmpty()));
  }

  /**
   * The table of nodes: state (with '?' if the CloudHub has no session), serial, expiry, renewals.
   */
  void summary(CloudHub cloud, Map<NodeName, EdgeHub> edges, String renewalsLabel) {
    String format = "  %-13s %-10s %-22s %-20s %s%n";
    out.printf(format, "node", "state", "certificate serial", "expires (UTC)", renewalsLabel);
    for (Map.Entry<NodeName, EdgeHub> e : edges.entrySet()) {
      EdgeHubStatus s = e.getValue().status();
      boolean atHub = cloud.session(e.getKey()).isPresent();
      out.printf(
          format,
          e.getKey(),
          atHub ? s.state() : s.state() + "?",
          shortSerial(s.certificateSerial().orElse("-")),
          s.certificateNotAfter().map(TIME::format).orElse("-"),
          s.rotations());
    }
  }

  /**
   * A running node's key and certificate, read as an onlooker: only peeking (never finishing a swap
   * the node may be making), and waiting out the moment between its two renames.
   */
  static dev.edgetrust.x509.HeldCertificate credentialsOf(Path keyFile, Path certificateFile) {
    dev.edgetrust.credential.KeyCertificateView files =
        dev.edgetrust.credential.KeyCertificateView.of(keyFile, certificateFile);
    dev.edgetrust.x509.HeldCertificate[] held = new dev.edgetrust.x509.HeldCertificate[1];
    waitFor(
        () -> {
          try {
            held[0] = files.peek().orElse(null);
          } catch (dev.edgetrust.credential.CredentialFileException e) {
            held[0] = null;
          }
          return held[0] != null;
        });
    if (held[0] == null) {
      throw new IllegalStateException(
          "no matching key and certificate in " + keyFile + " and " + certificateFile);
    }
    return held[0];
  }

  static String describe(Map<NodeName, EdgeHub> edges) {
    return String.join(
        "; ",
        edges.values().stream()
            .map(
                e ->
                    e.status().node()
                        + " "
                        + e.status().state()
                        + e.status().detail().map(d -> " (" + d + ")").orElse(""))
            .toList());
  }

  /** A refusal up to its first ';': the status and the reason, without the advice after it. */
  static String firstClause(String refusal) {
    int cut = refusal.indexOf(';');
    return cut < 0 ? refusal : refusal.substring(0, cut);
  }

  static String shortSerial(String serial) {
    return serial.length() > 17 ? serial.substring(0, 17) + "…" : serial;
  }

  static boolean waitFor(BooleanSupplier condition) {
    return waitFor(condition, WAIT);
  }

  static boolean waitFor(BooleanSupplier condition, Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }

  /** A demo's body, given the scratch directory it keeps its state in. */
  interface ScratchBody {
    boolean run(Path dir) throws Exception;
  }

  /**
   * Runs {@code body} in a new temporary directory, deleted afterwards whatever happened: a demo
   * leaves no keys behind.
   */
  static boolean inScratchDirectory(String prefix, ScratchBody body) throws Exception {
    Path dir = Files.createTempDirectory(prefix);
    try {
      return body.run(dir);
    } finally {
      deleteRecursively(dir);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
