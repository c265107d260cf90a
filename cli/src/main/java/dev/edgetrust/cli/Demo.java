package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubStatus;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.PkiProviders;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The end-to-end demonstration, in one process on loopback, on any PKI whose nodes enroll at the
 * CloudHub with join tokens (the built-in CA; CFSSL, see {@link CfsslDemo}): a CloudHub, three
 * EdgeHubs enrolled with a join token, messages both ways, a live certificate rotation, a node that
 * tries another node's name, a fourth node enrolled with a token bound to it (refused when reused),
 * and a shared-token takeover of a live node's name refused. Each step says whether it held; {@link
 * #run()} is true only if every one did.
 */
final class Demo {
  private static final List<String> NODES = List.of("edge-node-1", "edge-node-2", "edge-node-3");

  /** Joins later, with a token minted for it alone. */
  private static final String BOUND_NODE = "edge-node-4";

  private final PrintStream out;
  private final Duration certificateLifetime;
  private final DemoScript script;
  private final DemoPki pki;

  /**
   * The PKI the demo's CloudHub runs on, found by name as {@code ./edgetrust cloudhub} finds it.
   *
   * @param provider the value of {@code pki.provider}
   * @param section the YAML of {@code modules.cloudHub.pki.NAME}, indented by 8 spaces, or ""
   * @param description what the first line calls it
   */
  record DemoPki(String provider, String section, String description) {
    static final DemoPki BUILTIN = new DemoPki("builtin", "", "built-in CA");
  }

  /**
   * @param certificateLifetime node certificate lifetime; short, so that rotation happens during
   *     the demo (at 70–90 % of it)
   */
  Demo(PrintStream out, Duration certificateLifetime) {
    this(out, certificateLifetime, DemoPki.BUILTIN);
  }

  Demo(PrintStream out, Duration certificateLifetime, DemoPki pki) {
    this.out = out;
    this.pki = pki;
    this.script = new DemoScript(out);
    this.certificateLifetime = certificateLifetime;
  }

  boolean run() throws Exception {
    return DemoScript.inScratchDirectory("edgetrust-demo-", this::run);
  }

  private boolean run(Path dir) throws Exception {
    out.println(
        "edgetrust demo: "
            + pki.description()
            + ", "
            + (NODES.size() + 1)
            + " edge nodes, loopback, state in "
            + dir);
    out.println();
    CloudHubSettings settings =
        CloudHubSettings.loopback(dir.resolve("cloud")).toBuilder()
            .edgeCertSigningDuration(certificateLifetime)
            .build();
    Map<NodeName, EdgeHub> edges = new java.util.TreeMap<>();
    try (CloudPki cloudPki = openPki(settings, dir.resolve("cloud"));
        CloudHub cloud =
            CloudHub.start(settings, cloudPki.provider(), script.recorder(), Clock.systemUTC())) {
      JoinTokenMinting tokens =
          cloudPki
              .joinTokens()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "pki.provider: "
                              + pki.provider()
                              + " mints no join tokens: its nodes do not enroll at the CloudHub"));
      X509Certificate ca = tokens.caCertificate();
      int wsPort = cloud.websocketAddress().orElseThrow().getPort();
      int bootstrapPort = cloud.bootstrapAddress().orElseThrow().getPort();
      script.step(
          true,
          "CloudHub started on the " + pki.provider() + " PKI",
          "websocket 127.0.0.1:"
              + wsPort
              + ", bootstrap https://127.0.0.1:"
              + bootstrapPort
              + ", CA sha256 "
              + Certificates.sha256Hex(ca).substring(0, 16)
              + "…");

      String token = tokens.mint(Duration.ofHours(1)).value();
      script.step(
          true,
          "join token minted",
          "<CA hash>.<JWT>, valid 1 h (print one with ./edgetrust token)");

      for (String name : NODES) {
        NodeName node = NodeName.of(name);
        edges.put(node, startEdge(node, token, dir, wsPort, bootstrapPort));
      }
      boolean connected =
          DemoScript.waitFor(
              () ->
                  edges.values().stream()
                          .allMatch(e -> e.status().state() == ConnectionState.CONNECTED)
                      && cloud.sessions().size() == NODES.size());
      script.step(
          connected,
          NODES.size() + " nodes enrolled with the token and connected",
          connected
              ? "each made its key, sent a CSR, got CN=system:node:<name>"
              : DemoScript.describe(edges));
      Map<NodeName, String> firstSerial = new LinkedHashMap<>();
      edges.forEach((n, e) -> firstSerial.put(n, e.status().certificateSerial().orElse("?")));

      script.step(
          script.cloudToEdge(cloud, edges.keySet(), "hello from the cloud"),
          "cloud → edge: every node answered",
          "operation \"response\" with parent_msg_id set");
      boolean up = script.edgeToCloud(edges);
      script.step(
          up,
          "edge → cloud: a message from every node arrived",
          "identity from the client certificate");

      NodeName victim = NodeName.of(NODES.get(0));
      NodeName rogue = NodeName.of(NODES.get(NODES.size() - 1));
      HeldCertificate rogueCredentials =
          DemoScript.credentialsOf(
              edges.get(rogue).settings().privateKeyFile(),
              edges.get(rogue).settings().certificateFile());
      SSLContext rogueTls = JdkTls.context(Optional.of(rogueCredentials), List.of(ca));
      refusal(
          DemoProbes.websocketAs(rogueTls, wsPort, victim),
          403,
          rogue + " connects with its own certificate but node_id " + victim);
      refusal(
          DemoProbes.edgeCrt(rogueTls, bootstrapPort, victim, null, victim),
          403,
          rogue + " asks to renew " + victim + "'s certificate");
      refusal(
          DemoProbes.edgeCrt(
              JdkTls.context(Optional.empty(), List.of(ca)),
              bootstrapPort,
              rogue,
              token.substring(token.indexOf('.') + 1),
              victim),
          403,
          "a token enrollment as " + rogue + " with a CSR for " + victim);
      joinTokens(cloud, tokens, ca, edges, victim, token, dir, wsPort, bootstrapPort);

      boolean rotated =
          DemoScript.waitFor(
              () -> {
                EdgeHubStatus s = edges.get(victim).status();
                Optional<SessionInfo> session = cloud.session(victim);
                return s.rotations() >= 1
                    && s.state() == ConnectionState.CONNECTED
                    && session.isPresent()
                    && !session.get().serialHex().equals(firstSerial.get(victim))
                    && session.get().serialHex().equals(s.certificateSerial().orElse(""));
              },
              certificateLifetime.plus(DemoScript.WAIT));
      script.step(
          rotated,
          victim + " rotated its certificate live and reconnected on it",
          "serial "
              + DemoScript.shortSerial(firstSerial.get(victim))
              + " → "
              + DemoScript.shortSerial(edges.get(victim).status().certificateSerial().orElse("?")));
      script.step(
          script.cloudToEdge(cloud, List.of(victim), "after rotation"),
          victim + " answers on its new certificate",
          "");

      blockAndUnblock(cloud, ca, edges, NodeName.of(NODES.get(1)), wsPort, bootstrapPort);

      out.println();
      script.summary(cloud, edges, "rotations");
    } finally {
      edges.values().forEach(EdgeHub::close);
    }
    return script.verdict();
  }

  /**
   * The PKI, made by its factory from a cloudcore.yaml holding only its section, with the
   * CloudHub's files: what {@code ./edgetrust cloudhub --config} does with a full one.
   */
  private CloudPki openPki(CloudHubSettings settings, Path cloudDir) throws Exception {
    Path file = cloudDir.resolve("cloudcore.yaml");
    Files.createDirectories(cloudDir);
    Files.writeString(
        file,
        "modules:\n  cloudHub:\n    pki:\n      provider: "
            + pki.provider()
            + "\n"
            + (pki.section().isEmpty() ? "" : "      " + pki.provider() + ":\n" + pki.section()));
    YamlConfig config = YamlConfig.read(file);
    PkiProviderFactory factory = PkiProviders.installed().cloudProvider(config);
    return factory.cloud(
        CloudPkiContext.builder(config, factory.name())
            .caFiles(settings.caCertificateFile(), settings.caKeyFile())
            .serverFiles(settings.serverCertificateFile(), settings.serverKeyFile())
            .build());
  }

  /** An edge node enrolling with {@code token}, answering every cloud message it gets. */
  private static EdgeHub startEdge(
      NodeName node, String token, Path dir, int wsPort, int bootstrapPort) throws Exception {
    EdgeHubSettings edge =
        EdgeHubSettings.builder(
                node,
                new ServerAddress("127.0.0.1", wsPort),
                URI.create("https://127.0.0.1:" + bootstrapPort),
                dir.resolve("nodes").resolve(node.value()))
            .token(JoinToken.parse(token))
            .build();
    EdgeHub[] self = new EdgeHub[1];
    // What an edge module does with a cloud message: answer it, parent_msg_id set.
    EdgeHub hub =
        EdgeHub.builder(edge)
            .onMessage(
                m -> {
                  if (!m.isResponse()) {
                    self[0].send(m.response(TextNode.valueOf("ack from " + node)));
                  }
                })
            .build();
    self[0] = hub;
    hub.start();
    return hub;
  }

  /**
   * The token model: a token minted for one node enrolls that node, and only once; a shared token
   * cannot take over the name of a node that is enrolled and connected.
   */
  private void joinTokens(
      CloudHub cloud,
      JoinTokenMinting tokens,
      X509Certificate ca,
      Map<NodeName, EdgeHub> edges,
      NodeName victim,
      String shared,
      Path dir,
      int wsPort,
      int bootstrapPort)
      throws Exception {
    NodeName newcomer = NodeName.of(BOUND_NODE);
    String bound = tokens.mintFor(newcomer, Duration.ofHours(1)).value();
    edges.put(newcomer, startEdge(newcomer, bound, dir, wsPort, bootstrapPort));
    boolean joined = DemoScript.waitFor(() -> cloud.session(newcomer).isPresent());
    script.step(
        joined,
        newcomer + " enrolled with a token bound to it (./edgetrust token --node " + newcomer + ")",
        joined
            ? "the token names one node and carries an id, recorded on disk before the certificate was returned"
            : DemoScript.describe(Map.of(newcomer, edges.get(newcomer))));
    SSLContext anonymous = JdkTls.context(Optional.empty(), List.of(ca));
    refusal(
        DemoProbes.edgeCrt(
            anonymous, bootstrapPort, newcomer, bound.substring(bound.indexOf('.') + 1), newcomer),
        403,
        "the same node-bound token, used a second time");
    String before = cloud.session(victim).map(SessionInfo::serialHex).orElse("?");
    Optional<String> takeover =
        DemoProbes.edgeCrt(
            anonymous, bootstrapPort, victim, shared.substring(shared.indexOf('.') + 1), victim);
    boolean stays = cloud.session(victim).map(s -> s.serialHex().equals(before)).orElse(false);
    script.step(
        takeover.isPresent() && takeover.get().startsWith("409") && stays,
        "refused: a shared-token enrollment taking over live " + victim + "'s name",
        takeover
            .map(t -> DemoScript.firstClause(t) + "; " + victim + " stays connected")
            .orElse("it was NOT refused"));
  }

  /**
   * A lost device: blocked (session closed, reconnect and renewal refused, every serial revoked)
   * while the others carry on; then found, unblocked, and let back in by a new enrollment.
   */
  private void blockAndUnblock(
      CloudHub cloud,
      X509Certificate ca,
      Map<NodeName, EdgeHub> edges,
      NodeName lost,
      int wsPort,
      int bootstrapPort)
      throws Exception {
    EdgeHubSettings lostSettings = edges.get(lost).settings();
    HeldCertificate stolen =
        DemoScript.credentialsOf(lostSettings.privateKeyFile(), lostSettings.certificateFile());
    BlockReport blocked = cloud.nodeAccess().block(lost, "demo operator");
    boolean closed = DemoScript.waitFor(() -> cloud.session(lost).isEmpty());
    script.step(
        blocked.succeeded() && closed,
        "blocked " + lost + " (a lost device): its session was closed",
        String.join(
            "; ",
            blocked.steps().stream()
                .map(st -> st.id() + ") " + st.title() + ": " + st.outcome().word())
                .toList()));

    SSLContext stolenTls = JdkTls.context(Optional.of(stolen), List.of(ca));
    Optional<String> reconnect = DemoProbes.websocketAs(stolenTls, wsPort, lost);
    script.step(
        reconnect.isPresent(),
        "refused: " + lost + " reconnecting with its certificate",
        reconnect.orElse("it was NOT refused"));
    Optional<String> renewal = DemoProbes.edgeCrt(stolenTls, bootstrapPort, lost, null, lost);
    script.step(
        renewal.isPresent(),
        "refused: " + lost + " renewing its certificate",
        renewal.orElse("it was NOT refused"));
    List<NodeName> others = edges.keySet().stream().filter(n -> !n.equals(lost)).toList();
    script.step(
        others.stream().allMatch(n -> cloud.session(n).isPresent())
            && script.cloudToEdge(cloud, others, "still here?"),
        "the other nodes carried on undisturbed",
        String.join(", ", others.stream().map(NodeName::value).toList()));

    BlockReport unblocked = cloud.nodeAccess().unblock(lost, "demo operator");
    // Found again, and no hands: the EdgeHub was told its certificate is blocked (close code 1008,
    // "blocked: ..."), has been enrolling anew with the shared join token it holds (refused while
    // blocked), and gets in at its next attempt.
    boolean readmitted =
        DemoScript.waitFor(
            () ->
                cloud
                    .session(lost)
                    .map(x -> !x.serialHex().equals(stolen.serialHex()))
                    .orElse(false));
    script.step(
        unblocked.succeeded() && readmitted,
        "unblocked " + lost + ": it re-enrolled by itself, back with a new serial",
        "same EdgeHub process, no files touched; old serial "
            + DemoScript.shortSerial(stolen.serialHex())
            + " stays revoked");
  }

  private void refusal(Optional<String> refused, int status, String attempt) {
    boolean held = refused.isPresent() && refused.get().startsWith(String.valueOf(status));
    script.step(held, "refused: " + attempt, refused.orElse("it was NOT refused"));
  }
}
