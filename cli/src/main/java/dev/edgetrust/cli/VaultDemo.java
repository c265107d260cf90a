package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubStatus;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.EnrolledNode;
import dev.edgetrust.pki.vault.SetupStep;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.admin.EdgeBundle;
import dev.edgetrust.pki.vault.auth.TokenInfo;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultDurations;
import dev.edgetrust.pki.vault.http.VaultFlags;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.SerialNumbers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * The end-to-end demonstration on HashiCorp Vault, in one process on loopback: Vault set up as
 * {@code vault setup} does, three nodes enrolled as {@code enroll} does (a token each that only
 * allows its own name), a CloudHub trusting Vault's CA on a Vault server certificate, three
 * EdgeHubs in Vault mode with short-lived certificates (one renews live and reconnects), messages
 * both ways, a node's token refused for another node's name, and a rotation of the CloudHub's
 * server certificate while the nodes stay connected. Each step says whether it held; {@link #run()}
 * is true only if every one did.
 */
final class VaultDemo {
  private static final List<String> NODES = List.of("edge-node-1", "edge-node-2", "edge-node-3");
  private static final String MOUNT = "pki";

  private final PrintStream out;
  private final VaultConnection connection;
  private final VaultCredential operator;
  private final Duration certificateTtl;
  private final DemoScript script;

  /**
   * @param connection where Vault is
   * @param operator a token that may set Vault up and enroll nodes (a dev server's root token)
   * @param certificateTtl node certificate lifetime; short, so that one renews during the demo
   */
  VaultDemo(
      PrintStream out,
      VaultConnection connection,
      VaultCredential operator,
      Duration certificateTtl) {
    this.out = out;
    this.script = new DemoScript(out);
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
  static VaultDemo fromEnvironment(
      PrintStream out, Map<String, String> env, Duration certificateTtl)
      throws UserErrors.UserException {
    if (blank(env.get("VAULT_ADDR")) || blank(env.get("VAULT_TOKEN"))) {
      throw new UserErrors.UserException(
          "the Vault demo needs a Vault: start one with 'vault server -dev', then set VAULT_ADDR=http://127.0.0.1:8200"
              + " and VAULT_TOKEN=<the root token it prints>");
    }
    try {
      return new VaultDemo(
          out,
          VaultConnection.fromEnvironment(env, VaultFlags.NONE).build(),
          VaultCredentials.fromEnvironment(env, VaultFlags.NONE),
          certificateTtl);
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
      DemoScript.deleteRecursively(dir);
    }
  }

  private boolean run(Path dir) throws Exception {
    out.println(
        "edgetrust demo: HashiCorp Vault at "
            + connection.address()
            + ", "
            + NODES.size()
            + " edge nodes, loopback, state in "
            + dir);
    out.println();
    VaultClient client = VaultClient.connect(connection);
    TokenInfo me = new VaultTokens(client, Clock.systemUTC()).lookupSelf(operator);
    script.step(
        true,
        "Vault answers",
        "operator token accessor " + me.accessor() + ", policies " + me.policies());

    List<SetupStep> setup =
        VaultSetup.builder(client, operator)
            .mount(MOUNT)
            .cloudhubNames(VaultCloudHub.COMMON_NAME, List.of("localhost"), List.of("127.0.0.1"))
            .build()
            .run();
    long done = setup.stream().filter(s -> s.outcome() == SetupStep.Outcome.DONE).count();
    script.step(
        true,
        "Vault set up as 'edgetrust vault setup' does",
        done
            + " script.step(s) done, "
            + (setup.size() - done)
            + " already done: PKI at "
            + MOUNT
            + "/, its CA, CRL/issuing URLs, role 'cloudhub', policy "
            + VaultSetup.cloudhubPolicyName(MOUNT));

    Map<NodeName, EdgeHub> edges = new LinkedHashMap<>();
    List<AutoCloseable> wiring = new ArrayList<>();
    CloudHubSettings cloudSettings = CloudHubSettings.loopback(dir.resolve("cloud"));
    try (VaultCloudHub cloud =
        VaultCloudHub.start(
            cloudSettings, client, operator, MOUNT, Duration.ofHours(1), script.recorder())) {
      int wsPort = cloud.hub().websocketAddress().orElseThrow().getPort();
      X509Certificate vaultCa = vaultCa(cloudSettings);
      script.step(
          true,
          "CloudHub started on a Vault server certificate, trusting Vault's CA",
          "websocket 127.0.0.1:"
              + wsPort
              + ", server serial "
              + DemoScript.shortSerial(serial(cloud.hub().serverCertificate()))
              + " from "
              + MOUNT
              + "/sign/cloudhub, CA "
              + vaultCa.getSubjectX500Principal().getName()
              + "; no bootstrap port: nodes enroll with Vault");

      Map<NodeName, EdgeBundle.Written> bundles = new LinkedHashMap<>();
      for (String name : NODES) {
        NodeName node = NodeName.of(name);
        bundles.put(
            node,
            EdgeBundle.enroll(
                client,
                operator,
                node,
                dir.resolve("nodes").resolve(name),
                false,
                new EdgeBundle.Options(
                    MOUNT,
                    EnrolledNode.Auth.TOKEN,
                    certificateTtl,
                    Duration.ofHours(72),
                    Duration.ofHours(1),
                    new ServerAddress("127.0.0.1", wsPort).authority(),
                    connection.address(),
                    connection.serverCa())));
      }
      script.step(
          true,
          NODES.size() + " nodes enrolled as 'edgetrust enroll' does",
          "a token each whose only policy is edgetrust-node-<name> (role edge-node-<name>, CN system:node:<name>);"
              + " bundle: vault-token 0600, ca.crt, edgecore.yaml");

      for (Map.Entry<NodeName, EdgeBundle.Written> e : bundles.entrySet()) {
        EdgeHubSettings settings = EdgeHubSettings.load(e.getValue().edgecore());
        EdgePkiWiring vault = EdgePkiWiring.start(settings).orElseThrow();
        wiring.add(vault);
        EdgeHub[] self = new EdgeHub[1];
        String name = e.getKey().value();
        EdgeHub hub =
            EdgeHub.builder(settings)
                .issuer(vault.issuer())
                .onMessage(
                    m -> {
                      if (!m.isResponse()) {
                        self[0].send(m.response(TextNode.valueOf("ack from " + name)));
                      }
                    })
                .build();
        self[0] = hub;
        edges.put(e.getKey(), hub);
        hub.start();
      }
      boolean connected =
          DemoScript.waitFor(
              () ->
                  edges.values().stream()
                          .allMatch(h -> h.status().state() == ConnectionState.CONNECTED)
                      && cloud.hub().sessions().size() == NODES.size());
      script.step(
          connected,
          NODES.size() + " nodes got certificates from Vault and connected",
          connected
              ? "each made its key, Vault signed its CSR on its own role, ttl "
                  + certificateTtl.toSeconds()
                  + " s"
              : DemoScript.describe(edges));
      Map<NodeName, String> firstSerial = new LinkedHashMap<>();
      edges.forEach((n, h) -> firstSerial.put(n, h.status().certificateSerial().orElse("?")));

      script.step(
          script.cloudToEdge(cloud.hub(), edges.keySet(), "hello from the cloud"),
          "cloud → edge: every node answered",
          "operation \"response\" with parent_msg_id set");
      boolean up = script.edgeToCloud(edges);
      script.step(
          up,
          "edge → cloud: a message from every node arrived",
          "identity from the Vault-issued client certificate");

      NodeName victim = NodeName.of(NODES.get(0));
      NodeName rogue = NodeName.of(NODES.get(NODES.size() - 1));
      VaultCredential rogueToken =
          VaultCredentials.tokenFile(bundles.get(rogue).dir().resolve(EdgeBundle.TOKEN_FILE));
      refusal(
          sign(client, rogueToken, VaultEnrollment.roleName(victim), victim),
          "permission denied",
          rogue + "'s token asks Vault for " + victim + "'s certificate on " + victim + "'s role");
      refusal(
          sign(client, rogueToken, VaultEnrollment.roleName(rogue), victim),
          "not allowed",
          rogue + "'s token asks for CN " + victim.commonName() + " on its own role");

      boolean renewed =
          DemoScript.waitFor(
              () -> {
                EdgeHubStatus s = edges.get(victim).status();
                Optional<SessionInfo> session = cloud.hub().session(victim);
                return s.rotations() >= 1
                    && s.state() == ConnectionState.CONNECTED
                    && session.isPresent()
                    && !session.get().serialHex().equals(firstSerial.get(victim))
                    && session.get().serialHex().equals(s.certificateSerial().orElse(""));
              },
              certificateTtl.plus(DemoScript.WAIT));
      script.step(
          renewed,
          victim + " renewed its certificate with Vault before it expired and reconnected on it",
          "serial "
              + DemoScript.shortSerial(firstSerial.get(victim))
              + " → "
              + DemoScript.shortSerial(edges.get(victim).status().certificateSerial().orElse("?")));

      Map<NodeName, SessionInfo> before = sessions(cloud);
      VaultCloudHub.Rotation rotation = cloud.rotateServerCertificate();
      boolean inService =
          DemoScript.waitFor(
              () -> serial(cloud.hub().serverCertificate()).equals(rotation.newSerial()));
      Optional<String> served = servedSerial(wsPort, bundles.get(victim), vaultCa);
      // Every node keeps the session it had, unless it moved to a renewed certificate of its own
      // meanwhile (a new serial). A new session on the same serial would mean the rotation dropped
      // it.
      Map<NodeName, SessionInfo> after = sessions(cloud);
      long kept =
          edges.keySet().stream()
              .filter(n -> after.containsKey(n) && after.get(n).equals(before.get(n)))
              .count();
      boolean stayed =
          edges.entrySet().stream()
              .allMatch(
                  e ->
                      e.getValue().status().state() == ConnectionState.CONNECTED
                          && after.containsKey(e.getKey())
                          && (before.get(e.getKey()) == null
                              || after.get(e.getKey()).equals(before.get(e.getKey()))
                              || !after
                                  .get(e.getKey())
                                  .serialHex()
                                  .equals(before.get(e.getKey()).serialHex())));
      script.step(
          inService && served.equals(Optional.of(rotation.newSerial())) && stayed,
          "CloudHub server certificate rotated via Vault while the nodes stayed connected",
          "serial "
              + DemoScript.shortSerial(rotation.oldSerial())
              + " → "
              + DemoScript.shortSerial(rotation.newSerial())
              + "; a new handshake gets "
              + DemoScript.shortSerial(served.orElse("?"))
              + "; "
              + kept
              + " of "
              + NODES.size()
              + " sessions kept"
              + (kept == NODES.size() ? "" : ", the others moved to a renewed node certificate"));
      script.step(
          script.cloudToEdge(cloud.hub(), edges.keySet(), "after the rotation"),
          "cloud → edge after the rotation: every node answered",
          "");

      blockAndUnblock(cloud, client, bundles, NodeName.of(NODES.get(1)), certificateTtl);

      out.println();
      script.summary(cloud.hub(), edges, "renewals");
      // Nodes first, so that they leave as edgecore does instead of seeing the CloudHub go away.
      edges.values().forEach(EdgeHub::close);
    } finally {
      edges.values().forEach(EdgeHub::close);
      for (AutoCloseable c : wiring) {
        c.close();
      }
    }
    return script.verdict();
  }

  /**
   * A lost device: block revokes its Vault token and drops its session, and Vault refuses its
   * renewal; unblock brings its role back with the TTLs it was enrolled with and says what the
   * device needs.
   */
  private void blockAndUnblock(
      VaultCloudHub cloud,
      VaultClient client,
      Map<NodeName, EdgeBundle.Written> bundles,
      NodeName lost,
      Duration certificateTtl)
      throws PkiException {
    BlockReport blocked = cloud.hub().nodeAccess().block(lost, "demo operator");
    boolean dropped = DemoScript.waitFor(() -> cloud.hub().session(lost).isEmpty());
    VaultCredential lostToken =
        VaultCredentials.tokenFile(bundles.get(lost).dir().resolve(EdgeBundle.TOKEN_FILE));
    Optional<String> renewal = sign(client, lostToken, VaultEnrollment.roleName(lost), lost);
    script.step(
        blocked.succeeded()
            && dropped
            && renewal.isPresent()
            && renewal.get().contains("expired or revoked"),
        lost + " blocked: its Vault token revoked, its session dropped, its renewal refused",
        blocked.steps().get(0).detail() + "; Vault: " + renewal.orElse("it was NOT refused"));

    BlockReport unblocked = cloud.hub().nodeAccess().unblock(lost, "demo operator");
    JsonNode role =
        client.read(MOUNT + "/roles/" + VaultEnrollment.roleName(lost), operator).data();
    boolean sameTtls =
        VaultDurations.parse(role.path("ttl"), "ttl").equals(certificateTtl)
            && VaultDurations.parse(role.path("max_ttl"), "max_ttl").equals(Duration.ofHours(72));
    script.step(
        unblocked.succeeded() && sameTtls,
        lost + " unblocked: its role is back with the TTLs it was enrolled with",
        unblocked.steps().get(0).detail() + "; next: " + unblocked.nextStep());
  }

  /** Vault's CA, as written for the CloudHub to trust. */
  private static X509Certificate vaultCa(CloudHubSettings settings) throws Exception {
    return KeyCertificateFiles.readCertificates(settings.caCertificateFile()).get(0);
  }

  private static Map<NodeName, SessionInfo> sessions(VaultCloudHub cloud) {
    Map<NodeName, SessionInfo> out = new LinkedHashMap<>();
    cloud.hub().sessions().forEach(s -> out.put(s.node(), s));
    return out;
  }

  /**
   * Asks Vault, with {@code token}, to sign a CSR for {@code node} on {@code role}; the refusal or
   * empty.
   */
  private static Optional<String> sign(
      VaultClient client, VaultCredential token, String role, NodeName node) {
    try {
      VaultPkiProvider provider = VaultPkiProvider.create(client, token, MOUNT, role);
      provider.sign(
          SigningRequest.forNode(
              node,
              Csr.create(Keys.newP256(), node.subject()),
              EnumSet.of(CertificateUsage.CLIENT_AUTH),
              Duration.ofMinutes(5)));
      return Optional.empty();
    } catch (PkiException e) {
      return Optional.of(e.getMessage());
    }
  }

  private void refusal(Optional<String> refused, String expected, String attempt) {
    boolean held = refused.isPresent() && refused.get().contains(expected);
    script.step(held, "refused: " + attempt, refused.orElse("it was NOT refused"));
  }

  /** The serial the CloudHub serves a new handshake now, as a node sees it. */
  private static Optional<String> servedSerial(
      int port, EdgeBundle.Written node, X509Certificate ca) {
    try {
      HeldCertificate held =
          DemoScript.credentialsOf(
              node.dir().resolve("certs/server.key"), node.dir().resolve("certs/server.crt"));
      try (SSLSocket socket =
          (SSLSocket)
              JdkTls.context(Optional.of(held), List.of(ca))
                  .getSocketFactory()
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
}
