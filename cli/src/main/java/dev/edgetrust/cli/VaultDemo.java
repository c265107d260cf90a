package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.CloudHubListener;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.cloudhub.SessionInfo;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubStatus;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SerialNumbers;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.SetupStep;
import dev.edgetrust.pki.vault.TokenInfo;
import dev.edgetrust.pki.vault.VaultClient;
import dev.edgetrust.pki.vault.VaultConnection;
import dev.edgetrust.pki.vault.VaultCredential;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultFlags;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.VaultTokens;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;

/**
 * The end-to-end demonstration on HashiCorp Vault, in one process on loopback: Vault set up as
 * {@code vault setup} does, three nodes enrolled as {@code enroll} does (a token each that only
 * allows its own name), a CloudHub trusting Vault's CA on a Vault server certificate, three EdgeHubs
 * in Vault mode with short-lived certificates (one renews live and reconnects), messages both ways,
 * a node's token refused for another node's name, and a rotation of the CloudHub's server
 * certificate while the nodes stay connected. Each step says whether it held; {@link #run()} is
 * true only if every one did.
 */
final class VaultDemo {
  private static final List<String> NODES = List.of("edge-node-1", "edge-node-2", "edge-node-3");
  private static final String MOUNT = "pki";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final VaultConnection connection;
  private final VaultCredential operator;
  private final Duration certificateTtl;
  private final List<Boolean> steps = new ArrayList<>();
  private final Map<NodeName, List<Message>> atCloud = new ConcurrentHashMap<>();

  /**
   * @param connection where Vault is
   * @param operator a token that may set Vault up and enroll nodes (a dev server's root token)
   * @param certificateTtl node certificate lifetime; short, so that one renews during the demo
   */
  VaultDemo(PrintStream out, VaultConnection connection, VaultCredential operator, Duration certificateTtl) {
    this.out = out;
    this.connection = connection;
    this.operator = operator;
    this.certificateTtl = certificateTtl;
  }

  /**
   * The demo on the Vault that {@code VAULT_ADDR}, {@code VAULT_TOKEN} (and {@code VAULT_CACERT})
   * name, as the {@code vault} CLI finds it.
   *
   * @throws UserErrors.UserException one line saying how to start a dev server, if either is unset
   */
  static VaultDemo fromEnvironment(PrintStream out, Map<String, String> env, Duration certificateTtl)
      throws UserErrors.UserException {
    if (blank(env.get("VAULT_ADDR")) || blank(env.get("VAULT_TOKEN"))) {
      throw new UserErrors.UserException(
          "the Vault demo needs a Vault: start one with 'vault server -dev', then set VAULT_ADDR=http://127.0.0.1:8200"
              + " and VAULT_TOKEN=<the root token it prints>");
    }
    try {
      return new VaultDemo(out, VaultConnection.fromEnvironment(env, VaultFlags.NONE).build(),
          VaultCredential.fromEnvironment(env, VaultFlags.NONE), certificateTtl);
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(e.getMessage());
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  boolean run() throws Exception {
    Path dir = Files.createTempDirectory("edgetrust-vault-demo-");
    try {
      return run(dir);
    } finally {
      deleteRecursively(dir);
    }
  }

  private boolean run(Path dir) throws Exception {
    out.println("edgetrust demo: HashiCorp Vault at " + connection.address() + ", " + NODES.size()
        + " edge nodes, loopback, state in " + dir);
    out.println();
    VaultClient client = VaultClient.connect(connection);
    TokenInfo me = new VaultTokens(client, Clock.systemUTC()).lookupSelf(operator);
    step(true, "Vault answers", "operator token accessor " + me.accessor() + ", policies " + me.policies());

    List<SetupStep> setup = VaultSetup.builder(client, operator)
        .mount(MOUNT)
        .cloudhubNames(VaultCloudHub.COMMON_NAME, List.of("localhost"), List.of("127.0.0.1"))
        .build()
        .run();
    long done = setup.stream().filter(s -> s.outcome() == SetupStep.Outcome.DONE).count();
    step(true, "Vault set up as 'edgetrust vault setup' does",
        done + " step(s) done, " + (setup.size() - done) + " already done: PKI at " + MOUNT
            + "/, its CA, CRL/issuing URLs, role 'cloudhub', policy " + VaultSetup.cloudhubPolicyName(MOUNT));

    Map<NodeName, EdgeHub> edges = new LinkedHashMap<>();
    List<AutoCloseable> wiring = new ArrayList<>();
    CloudHubSettings cloudSettings = CloudHubSettings.loopback(dir.resolve("cloud"));
    try (VaultCloudHub cloud =
        VaultCloudHub.start(cloudSettings, client, operator, MOUNT, Duration.ofHours(1), new Recorder())) {
      int wsPort = cloud.hub().websocketAddress().orElseThrow().getPort();
      X509Certificate vaultCa = vaultCa(cloudSettings);
      step(true, "CloudHub started on a Vault server certificate, trusting Vault's CA",
          "websocket 127.0.0.1:" + wsPort + ", server serial " + shortSerial(serial(cloud.hub().serverCertificate()))
              + " from " + MOUNT + "/sign/cloudhub, CA " + vaultCa.getSubjectX500Principal().getName()
              + "; no bootstrap port: nodes enroll with Vault");

      Map<NodeName, EdgeBundle.Written> bundles = new LinkedHashMap<>();
      for (String name : NODES) {
        NodeName node = NodeName.of(name);
        bundles.put(node, EdgeBundle.enroll(client, operator, node, dir.resolve("nodes").resolve(name), false,
            new EdgeBundle.Options(MOUNT, EdgeBundle.Auth.TOKEN, certificateTtl, Duration.ofHours(72),
                Duration.ofHours(1), new ServerAddress("127.0.0.1", wsPort), connection.address(),
                connection.serverCa())));
      }
      step(true, NODES.size() + " nodes enrolled as 'edgetrust enroll' does",
          "a token each whose only policy is edgetrust-node-<name> (role edge-node-<name>, CN system:node:<name>);"
              + " bundle: vault-token 0600, ca.crt, edgecore.yaml");

      for (Map.Entry<NodeName, EdgeBundle.Written> e : bundles.entrySet()) {
        EdgeHubSettings settings = EdgeHubSettings.load(e.getValue().edgecore());
        VaultEdge vault = VaultEdge.start(settings);
        wiring.add(vault);
        EdgeHub[] self = new EdgeHub[1];
        String name = e.getKey().value();
        EdgeHub hub = EdgeHub.builder(settings)
            .issuer(vault.issuer())
            .onMessage(m -> {
              if (!m.isResponse()) {
                self[0].send(m.response(TextNode.valueOf("ack from " + name)));
              }
            })
            .build();
        self[0] = hub;
        edges.put(e.getKey(), hub);
        hub.start();
      }
      boolean connected = waitFor(() -> edges.values().stream().allMatch(h -> h.status().state() == ConnectionState.CONNECTED)
          && cloud.hub().sessions().size() == NODES.size());
      step(connected, NODES.size() + " nodes got certificates from Vault and connected",
          connected ? "each made its key, Vault signed its CSR on its own role, ttl " + certificateTtl.toSeconds() + " s"
              : describe(edges));
      Map<NodeName, String> firstSerial = new LinkedHashMap<>();
      edges.forEach((n, h) -> firstSerial.put(n, h.status().certificateSerial().orElse("?")));

      step(cloudToEdge(cloud, edges.keySet(), "hello from the cloud"), "cloud → edge: every node answered",
          "operation \"response\" with parent_msg_id set");
      for (Map.Entry<NodeName, EdgeHub> e : edges.entrySet()) {
        e.getValue().send(Message.create(
            new Message.Route("edged", "meta", "resource", "update", "default/node/" + e.getKey()),
            TextNode.valueOf("status of " + e.getKey())));
      }
      boolean up = waitFor(() -> edges.keySet().stream().allMatch(n -> !fromNode(n, m -> !m.isResponse()).isEmpty()));
      step(up, "edge → cloud: a message from every node arrived", "identity from the Vault-issued client certificate");

      NodeName victim = NodeName.of(NODES.get(0));
      NodeName rogue = NodeName.of(NODES.get(NODES.size() - 1));
      VaultCredential rogueToken =
          VaultCredential.tokenFile(bundles.get(rogue).dir().resolve(EdgeBundle.TOKEN_FILE));
      refusal(sign(client, rogueToken, VaultEnrollment.roleName(victim), victim), "permission denied",
          rogue + "'s token asks Vault for " + victim + "'s certificate on " + victim + "'s role");
      refusal(sign(client, rogueToken, VaultEnrollment.roleName(rogue), victim), "not allowed",
          rogue + "'s token asks for CN " + victim.commonName() + " on its own role");

      boolean renewed = waitFor(() -> {
            EdgeHubStatus s = edges.get(victim).status();
            Optional<SessionInfo> session = cloud.hub().session(victim);
            return s.rotations() >= 1 && s.state() == ConnectionState.CONNECTED && session.isPresent()
                && !session.get().serialHex().equals(firstSerial.get(victim))
                && session.get().serialHex().equals(s.certificateSerial().orElse(""));
          },
          certificateTtl.plus(WAIT));
      step(renewed, victim + " renewed its certificate with Vault before it expired and reconnected on it",
          "serial " + shortSerial(firstSerial.get(victim)) + " → "
              + shortSerial(edges.get(victim).status().certificateSerial().orElse("?")));

      Map<NodeName, SessionInfo> before = sessions(cloud);
      Map<NodeName, Integer> renewalsBefore = renewals(edges);
      VaultCloudHub.Rotation rotation = cloud.rotateServerCertificate();
      boolean inService = waitFor(() -> serial(cloud.hub().serverCertificate()).equals(rotation.newSerial()));
      Optional<String> served = servedSerial(wsPort, bundles.get(victim), vaultCa);
      // Every node keeps the session it had, unless it moved to a renewed certificate of its own meanwhile.
      Map<NodeName, SessionInfo> after = sessions(cloud);
      Map<NodeName, Integer> renewalsAfter = renewals(edges);
      long kept = edges.keySet().stream().filter(n -> after.containsKey(n) && after.get(n).equals(before.get(n))).count();
      boolean stayed = edges.entrySet().stream().allMatch(e -> e.getValue().status().state() == ConnectionState.CONNECTED
          && after.containsKey(e.getKey())
          && (after.get(e.getKey()).equals(before.get(e.getKey()))
              || renewalsAfter.get(e.getKey()) > renewalsBefore.get(e.getKey())));
      step(inService && served.equals(Optional.of(rotation.newSerial())) && stayed,
          "CloudHub server certificate rotated via Vault while the nodes stayed connected",
          "serial " + shortSerial(rotation.oldSerial()) + " → " + shortSerial(rotation.newSerial())
              + "; a new handshake gets " + shortSerial(served.orElse("?")) + "; " + kept + " of " + NODES.size()
              + " sessions kept" + (kept == NODES.size() ? "" : ", the others moved to a renewed node certificate"));
      step(cloudToEdge(cloud, edges.keySet(), "after the rotation"), "cloud → edge after the rotation: every node answered", "");

      out.println();
      summary(cloud, edges);
      // Nodes first, so that they leave as edgecore does instead of seeing the CloudHub go away.
      edges.values().forEach(EdgeHub::close);
    } finally {
      edges.values().forEach(EdgeHub::close);
      for (AutoCloseable c : wiring) {
        c.close();
      }
    }
    long held = steps.stream().filter(b -> b).count();
    out.println();
    out.println(held == steps.size()
        ? "All " + steps.size() + " steps held."
        : (steps.size() - held) + " of " + steps.size() + " steps did NOT hold.");
    return held == steps.size();
  }

  /** Vault's CA, as written for the CloudHub to trust. */
  private static X509Certificate vaultCa(CloudHubSettings settings) throws Exception {
    return KeyCertificateFiles.readCertificates(settings.caCertificateFile()).get(0);
  }

  private static Map<NodeName, Integer> renewals(Map<NodeName, EdgeHub> edges) {
    Map<NodeName, Integer> out = new LinkedHashMap<>();
    edges.forEach((n, h) -> out.put(n, h.status().rotations()));
    return out;
  }

  private static Map<NodeName, SessionInfo> sessions(VaultCloudHub cloud) {
    Map<NodeName, SessionInfo> out = new LinkedHashMap<>();
    cloud.hub().sessions().forEach(s -> out.put(s.node(), s));
    return out;
  }

  /** Asks Vault, with {@code token}, to sign a CSR for {@code node} on {@code role}; the refusal or empty. */
  private static Optional<String> sign(VaultClient client, VaultCredential token, String role, NodeName node) {
    try {
      VaultPkiProvider provider = VaultPkiProvider.create(client, token, MOUNT, role);
      provider.sign(SigningRequest.forNode(node, Csr.create(Keys.newP256(), node.subject()),
          EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofMinutes(5)));
      return Optional.empty();
    } catch (PkiException e) {
      return Optional.of(e.getMessage());
    }
  }

  private void refusal(Optional<String> refused, String expected, String attempt) {
    boolean held = refused.isPresent() && refused.get().contains(expected);
    step(held, "refused: " + attempt, refused.orElse("it was NOT refused"));
  }

  /** The serial the CloudHub serves a new handshake now, as a node sees it. */
  private static Optional<String> servedSerial(int port, EdgeBundle.Written node, X509Certificate ca) {
    try {
      HeldCertificate held = new KeyCertificateFiles(
          node.dir().resolve("certs/server.key"), node.dir().resolve("certs/server.crt")).read().orElseThrow();
      try (SSLSocket socket = (SSLSocket) JdkTls.context(Optional.of(held), List.of(ca)).getSocketFactory()
          .createSocket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return Optional.of(serial((X509Certificate) socket.getSession().getPeerCertificates()[0]));
      }
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static String serial(X509Certificate c) {
    return SerialNumbers.toColonHex(c.getSerialNumber());
  }

  private boolean cloudToEdge(VaultCloudHub cloud, Collection<NodeName> nodes, String text) {
    Map<NodeName, String> sent = new LinkedHashMap<>();
    for (NodeName node : nodes) {
      Message m = Message.create(new Message.Route("edgecontroller", "edged", "resource", "update", "default/pod/demo"),
          TextNode.valueOf(text));
      if (cloud.hub().send(node, m)) {
        sent.put(node, m.header().id());
      }
    }
    return sent.size() == nodes.size()
        && waitFor(() -> sent.entrySet().stream().allMatch(e ->
            !fromNode(e.getKey(), m -> m.isResponse() && e.getValue().equals(m.header().parentId())).isEmpty()));
  }

  private List<Message> fromNode(NodeName node, Predicate<Message> which) {
    return atCloud.getOrDefault(node, List.of()).stream().filter(which).toList();
  }

  private void summary(VaultCloudHub cloud, Map<NodeName, EdgeHub> edges) {
    String format = "  %-13s %-10s %-22s %-20s %s%n";
    out.printf(format, "node", "state", "certificate serial", "expires (UTC)", "renewals");
    for (Map.Entry<NodeName, EdgeHub> e : edges.entrySet()) {
      EdgeHubStatus s = e.getValue().status();
      boolean atHub = cloud.hub().session(e.getKey()).isPresent();
      out.printf(format, e.getKey(), atHub ? s.state() : s.state() + "?", shortSerial(s.certificateSerial().orElse("-")),
          s.certificateNotAfter().map(TIME::format).orElse("-"), s.rotations());
    }
  }

  private void step(boolean held, String what, String detail) {
    steps.add(held);
    out.printf("  %-8s %s%s%n", held ? "[ok]" : "[FAILED]", what, detail.isEmpty() ? "" : "\n           " + detail);
    out.flush();
  }

  private static String describe(Map<NodeName, EdgeHub> edges) {
    return String.join("; ", edges.values().stream()
        .map(e -> e.status().node() + " " + e.status().state() + e.status().detail().map(d -> " (" + d + ")").orElse(""))
        .toList());
  }

  private static String shortSerial(String serial) {
    return serial.length() > 17 ? serial.substring(0, 17) + "…" : serial;
  }

  private static boolean waitFor(BooleanSupplier condition) {
    return waitFor(condition, WAIT);
  }

  private static boolean waitFor(BooleanSupplier condition, Duration limit) {
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

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Keeps what the cloud receives, per node. */
  private final class Recorder implements CloudHubListener {
    @Override
    public void onMessage(NodeName node, Message message) {
      atCloud.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>()).add(message);
    }
  }
}
