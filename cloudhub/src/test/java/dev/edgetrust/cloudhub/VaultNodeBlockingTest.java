package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.NodeCredential;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.vault.testkit.VaultStandIn;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocking on an external PKI: a CloudHub whose provider is Vault (the in-process stand-in), nodes
 * with their own Vault tokens, the block kept in Vault itself.
 */
class VaultNodeBlockingTest {
  private static final NodeName LOST = NodeName.of("edge-lost");
  private static final NodeName OTHER = NodeName.of("edge-other");

  @TempDir Path dir;
  VaultStandIn vault;
  VaultClient client;
  VaultCredential operator;
  VaultEnrollment enrollment;
  CloudHubSettings settings;
  CloudHub hub;

  @BeforeEach
  void setUp() throws Exception {
    vault = VaultStandIn.start();
    client =
        VaultClient.connect(
            VaultConnection.builder(vault.address())
                .serverCa(vault.writeServerCa(dir.resolve("vault-ca.pem")))
                .build());
    operator = VaultCredentials.token(vault.rootToken(), "the stand-in's root token");
    VaultSetup.builder(client, operator)
        .mount("pki")
        .cloudhubNames("cloudhub", List.of("localhost"), List.of("127.0.0.1"))
        .build()
        .run();
    enrollment = VaultEnrollment.builder(client, operator).mount("pki").build();
    settings = CloudHubSettings.loopback(dir.resolve("cloud"));
    // What the certificate agent does in the pod: a key made here, a certificate from the cloudhub
    // role.
    VaultPkiProvider agent =
        VaultPkiProvider.create(client, operator, "pki", VaultSetup.CLOUDHUB_ROLE);
    KeyPair keys = Keys.newP256();
    IssuedCertificate server =
        agent.sign(
            SigningRequest.forServer(
                "cloudhub",
                Csr.create(keys, new X500Principal("CN=x")),
                List.of("localhost"),
                List.of(java.net.InetAddress.getByName("127.0.0.1")),
                Duration.ofHours(24)));
    List<java.security.cert.X509Certificate> chain = new ArrayList<>(List.of(server.certificate()));
    chain.addAll(server.caChain());
    new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile())
        .write(new HeldCertificate(keys.getPrivate(), chain));
    KeyCertificateFiles.writeCertificates(settings.caCertificateFile(), agent.trustAnchors());
    hub = startHub();
  }

  private CloudHub startHub() throws Exception {
    VaultPkiProvider cloud =
        VaultPkiProvider.create(client, operator, "pki", VaultSetup.CLOUDHUB_ROLE)
            .withNodeControl(enrollment);
    return CloudHub.start(settings, cloud, new CloudHubListener() {}, Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    if (hub != null) {
      hub.close();
    }
    vault.close();
  }

  /** The node's own signer: its own Vault token, its own role. */
  private VaultPkiProvider nodeSigner(NodeName node) throws Exception {
    NodeCredential credential = enrollment.enrollWithToken(node);
    return VaultPkiProvider.create(
        client,
        VaultCredentials.token(credential.token().orElseThrow(), "node " + node),
        "pki",
        VaultEnrollment.roleName(node));
  }

  private static HeldCertificate certificateFrom(VaultPkiProvider signer, NodeName node)
      throws PkiException {
    KeyPair keys = Keys.newP256();
    IssuedCertificate issued =
        signer.sign(
            SigningRequest.forNode(
                node,
                Csr.create(keys, new X500Principal("CN=kubeedge.io")),
                EnumSet.of(CertificateUsage.CLIENT_AUTH),
                Duration.ofHours(1)));
    List<java.security.cert.X509Certificate> chain = new ArrayList<>(List.of(issued.certificate()));
    chain.addAll(issued.caChain());
    return new HeldCertificate(keys.getPrivate(), chain);
  }

  /** "open", "tls" (refused in the handshake) or "http NNN". */
  private String connect(HeldCertificate cert, NodeName node, HubFixture.Client listener) {
    try {
      int port = hub.websocketAddress().orElseThrow().getPort();
      WebSocket ws =
          HttpClient.newBuilder()
              .sslContext(JdkTls.context(Optional.of(cert), vaultCa()))
              .build()
              .newWebSocketBuilder()
              .header("node_id", node.value())
              .buildAsync(
                  URI.create("wss://127.0.0.1:" + port + "/p/" + node + "/events"), listener)
              .get(10, TimeUnit.SECONDS);
      if (listener == null) {
        ws.abort();
      }
      return "open";
    } catch (Exception e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof WebSocketHandshakeException h) {
          return "http " + h.getResponse().statusCode();
        }
      }
      return "tls";
    }
  }

  private List<java.security.cert.X509Certificate> vaultCa() {
    try {
      return KeyCertificateFiles.readCertificates(settings.caCertificateFile());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void startWhileTheCertificateAgentIsMidSwap_leavesTheAgentsStagedKeyAlone() throws Exception {
    hub.close();
    // The agent (another process) has staged its next key and not yet renamed anything. The
    // CloudHub only looks: "recovering" the swap would delete the key the agent renames next.
    Path stagedKey =
        settings.serverKeyFile().resolveSibling(settings.serverKeyFile().getFileName() + ".next");
    String next = dev.edgetrust.x509.Pem.privateKey(Keys.newP256().getPrivate());
    java.nio.file.Files.writeString(stagedKey, next);

    hub = startHub();

    assertThat(java.nio.file.Files.readString(stagedKey))
        .as("the agent's staged key")
        .isEqualTo(next);
  }

  @Test
  void
      blockedNode_isDisconnectedRefusedAndCannotRenew_othersCarryOn_blockSurvivesRestart_unblockLetsItBack()
          throws Exception {
    VaultPkiProvider lostSigner = nodeSigner(LOST);
    VaultPkiProvider otherSigner = nodeSigner(OTHER);
    HeldCertificate lostCert = certificateFrom(lostSigner, LOST);
    HubFixture.Client lostSession = new HubFixture.Client();
    HubFixture.Client otherSession = new HubFixture.Client();
    assertThat(connect(lostCert, LOST, lostSession)).isEqualTo("open");
    assertThat(connect(certificateFrom(otherSigner, OTHER), OTHER, otherSession)).isEqualTo("open");
    await().until(() -> hub.sessions().size() == 2);

    BlockReport report = hub.nodeAccess().block(LOST, "operator-test");

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(lostSession.closes.poll(30, TimeUnit.SECONDS))
        .as("live session closed")
        .isEqualTo(1008);
    assertThat(connect(lostCert, LOST, null))
        .as("reconnect refused at the handshake")
        .isEqualTo("tls");
    assertThatThrownBy(() -> certificateFrom(lostSigner, LOST))
        .as("its Vault credential obtains nothing: the block revoked its token")
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("is expired or revoked");
    assertThat(hub.session(OTHER)).as("the other node is undisturbed").isPresent();
    assertThat(otherSession.closes).isEmpty();
    assertThat(vault.revokedSerials("pki")).contains(lostCert.certificate().getSerialNumber());

    hub.close();
    hub = startHub();
    assertThat(hub.nodeAccess().isBlocked(LOST))
        .as("the block lives in Vault, not in the CloudHub")
        .isTrue();
    assertThat(connect(lostCert, LOST, null)).as("still refused after a restart").isEqualTo("tls");

    BlockReport unblocked = hub.nodeAccess().unblock(LOST, "operator-test");
    assertThat(unblocked.succeeded()).isTrue();
    assertThat(unblocked.nextStep()).contains("./edgetrust enroll " + LOST);
    HeldCertificate fresh = certificateFrom(nodeSigner(LOST), LOST);
    assertThat(fresh.serialHex()).isNotEqualTo(lostCert.serialHex());
    assertThat(connect(fresh, LOST, new HubFixture.Client()))
        .as("back with a new serial")
        .isEqualTo("open");
    assertThat(connect(lostCert, LOST, null)).as("the old serial stays revoked").isEqualTo("tls");
  }
}
