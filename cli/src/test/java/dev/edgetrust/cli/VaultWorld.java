package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.message.Message;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.vault.EnrolledNode;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.admin.EdgeBundle;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.config.VaultSettings;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.plugin.VaultEdge;
import dev.edgetrust.vault.testkit.VaultStandIn;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * Vault mode on loopback for tests: the in-process Vault stand-in set up as {@code vault setup}
 * does, a CloudHub on Vault's CA and a Vault server certificate, and edge nodes enrolled as {@code
 * enroll} enrolls them and run as {@code edgehub} runs them. Nothing stands in for the CloudHub,
 * the EdgeHub or the Vault client.
 */
final class VaultWorld implements AutoCloseable {
  final Path dir;
  final VaultStandIn vault;
  final Path vaultServerCa;
  final VaultClient client;
  final VaultCredential operator;
  final VaultCloudHub cloud;
  final List<SessionInfo> connections = new CopyOnWriteArrayList<>();
  final List<Message> atCloud = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  VaultWorld(Path dir) throws Exception {
    this.dir = dir;
    this.vault = VaultStandIn.start();
    resources.add(vault);
    this.vaultServerCa = vault.writeServerCa(dir.resolve("vault-tls-ca.pem"));
    this.client =
        VaultClient.connect(
            VaultConnection.builder(vault.address()).serverCa(vaultServerCa).build());
    this.operator = VaultCredentials.token(vault.rootToken(), "the stand-in's root token");
    VaultSetup.builder(client, operator)
        .cloudhubNames("cloudhub", List.of("localhost"), List.of("127.0.0.1"))
        .build()
        .run();
    this.cloud =
        VaultCloudHub.start(
            CloudHubSettings.loopback(dir.resolve("cloud")),
            client,
            operator,
            "pki",
            Duration.ofHours(1),
            new CloudHubListener() {
              @Override
              public void onConnected(SessionInfo session) {
                connections.add(session);
              }

              @Override
              public void onMessage(NodeName node, Message message) {
                atCloud.add(message);
              }
            });
    resources.add(cloud);
  }

  int websocketPort() {
    return cloud.hub().websocketAddress().orElseThrow().getPort();
  }

  /** Enrolls {@code node} with a token, as {@code enroll NODE --out DIR} does. */
  EdgeBundle.Written enroll(NodeName node, Duration ttl) throws Exception {
    return EdgeBundle.enroll(
        client,
        operator,
        node,
        dir.resolve("nodes").resolve(node.value()),
        false,
        new EdgeBundle.Options(
            "pki",
            EnrolledNode.Auth.TOKEN,
            ttl,
            Duration.ofHours(72),
            Duration.ofHours(72),
            new ServerAddress("127.0.0.1", websocketPort()).authority(),
            vault.address(),
            Optional.of(vaultServerCa)));
  }

  VaultEnrollment enrollment() {
    return VaultEnrollment.builder(client, operator).build();
  }

  /** A running node: its EdgeHub and its Vault wiring, from its bundle's edgecore.yaml. */
  record Node(EdgeHub hub, EdgePkiWiring vault, EdgeHubSettings settings) {}

  /** Changes a node's {@code modules.edgeHub.vault} settings as loaded, before it starts. */
  static UnaryOperator<EdgeHubSettings> vault(UnaryOperator<VaultSettings> change) {
    return s -> s.toBuilder().pki(s.pki().map(p -> ((VaultEdge) p).with(change))).build();
  }

  Node start(EdgeBundle.Written bundle, UnaryOperator<EdgeHubSettings> adjust) throws Exception {
    EdgeHubSettings settings = adjust.apply(EdgeHubSettings.load(bundle.edgecore()));
    EdgePkiWiring wiring = EdgePkiWiring.start(settings).orElseThrow();
    resources.add(wiring);
    EdgeHub hub = EdgeHub.builder(settings).issuer(wiring.issuer()).build();
    resources.add(hub);
    hub.start();
    return new Node(hub, wiring, settings);
  }

  Optional<String> sessionSerial(NodeName node) {
    return cloud.hub().session(node).map(SessionInfo::serialHex);
  }

  URI address() {
    return vault.address();
  }

  @Override
  public void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }
}
