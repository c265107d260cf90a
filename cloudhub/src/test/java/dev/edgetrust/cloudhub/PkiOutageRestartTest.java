package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.MetricsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.vault.testkit.VaultStandIn;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A Vault-mode CloudHub restarted while Vault is sealed: it enforces the revocation state it kept
 * on disk (the CRL as Vault signed it, verified again when read back) until the list's nextUpdate,
 * instead of refusing every node for the whole outage.
 */
class PkiOutageRestartTest {
  private static final NodeName GOOD = NodeName.of("edge-good");
  private static final NodeName LOST = NodeName.of("edge-lost");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  VaultStandIn vault;
  VaultClient client;
  VaultCredential operator;
  CloudHubSettings settings;
  CloudHub hub;
  HeldCertificate good;
  HeldCertificate lost;
  ListAppender<ILoggingEvent> log;

  @BeforeEach
  void setUp() throws Exception {
    vault = VaultStandIn.start();
    client =
        VaultClient.connect(
            VaultConnection.builder(vault.address())
                .serverCa(vault.writeServerCa(dir.resolve("vault-ca.pem")))
                // A sealed Vault is reported after one quick retry, not after the default's.
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(50)))
                .build());
    operator = VaultCredentials.token(vault.rootToken(), "the stand-in's root token");
    VaultSetup.builder(client, operator)
        .mount("pki")
        .cloudhubNames("cloudhub", List.of("localhost"), List.of("127.0.0.1"))
        .build()
        .run();
    settings =
        CloudHubSettings.loopback(dir.resolve("cloud")).toBuilder()
            .metrics(MetricsSettings.on("127.0.0.1", 0))
            .build();
    VaultPkiProvider agent = cloudProvider();
    KeyPair keys = Keys.newP256();
    IssuedCertificate server =
        agent.sign(
            SigningRequest.forServer(
                "cloudhub",
                Csr.create(keys, new X500Principal("CN=x")),
                List.of("localhost"),
                List.of(InetAddress.getByName("127.0.0.1")),
                Duration.ofHours(24)));
    new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile())
        .write(new HeldCertificate(keys.getPrivate(), chain(server)));
    KeyCertificateFiles.writeCertificates(settings.caCertificateFile(), agent.trustAnchors());

    VaultEnrollment enrollment = VaultEnrollment.builder(client, operator).mount("pki").build();
    good = certificate(enrollment, GOOD);
    lost = certificate(enrollment, LOST);
    // Revoked directly in the PKI: only the CRL says so.
    agent.revoke(lost.certificate().getSerialNumber());

    hub = startHub();
    assertThat(connect(good, GOOD)).isEqualTo("open");
    assertThat(connect(lost, LOST)).isEqualTo("tls");
    hub.close();
    hub = null;
  }

  @AfterEach
  void tearDown() {
    if (log != null) {
      revocationLogger().detachAppender(log);
    }
    if (hub != null) {
      hub.close();
    }
    vault.close();
  }

  private VaultPkiProvider cloudProvider() throws Exception {
    return VaultPkiProvider.create(client, operator, "pki", VaultSetup.CLOUDHUB_ROLE);
  }

  private CloudHub startHub() throws Exception {
    return CloudHub.start(settings, cloudProvider(), new CloudHubListener() {}, Clock.systemUTC());
  }

  private Path keptFile() {
    return settings.revocation().inventoryFile().resolveSibling("last-good-revocation.json");
  }

  @Test
  void restartWhileVaultIsSealed_admitsValidNodes_andRefusesTheRevokedOne_fromTheKeptList()
      throws Exception {
    assertThat(Files.getPosixFilePermissions(keptFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    vault.seal();

    hub = startHub();

    assertThat(connect(good, GOOD)).as("a valid, unrevoked node").isEqualTo("open");
    assertThat(connect(lost, LOST)).as("the node revoked before the outage").isEqualTo("tls");
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body())
        .startsWith("ok; revocation list persisted from disk (" + keptFile())
        .contains("1 revoked serial(s)")
        .contains("the PKI cannot be read now")
        .endsWith("\n");
    assertThat(ready.body().strip()).doesNotContain("\n");

    vault.unseal();
    assertThat(hub.nodeAccess().refresh()).isTrue();
    assertThat(get("/readyz").body()).startsWith("ok; revocation list fresh from the PKI (read ");
  }

  @Test
  void tamperedKeptList_isRefusedInOneLine_andNeverTrusted() throws Exception {
    // Take the revoked serial out of the list: the CRL's signature no longer verifies.
    ObjectNode kept = (ObjectNode) JSON.readTree(keptFile().toFile());
    byte[] der = Base64.getDecoder().decode(kept.get("crl").asText());
    byte[] serial = lost.certificate().getSerialNumber().toByteArray();
    int at = indexOf(der, serial);
    assertThat(at).as("the revoked serial in the CRL").isPositive();
    der[at + serial.length - 1] ^= 1;
    kept.put("crl", Base64.getEncoder().encodeToString(der));
    Files.write(keptFile(), JSON.writeValueAsBytes(kept));
    vault.seal();

    capture();
    hub = startHub();

    assertThat(connect(lost, LOST)).as("the revoked node").isEqualTo("tls");
    assertThat(connect(good, GOOD))
        .as("no list to enforce: fails closed, as without the file")
        .isEqualTo("tls");
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(m -> m.startsWith(keptFile().toString()))
        .singleElement()
        .satisfies(
            m -> assertThat(m).contains("not signed by any trusted CA").doesNotContain("\n"));
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).startsWith("revocation list unusable: no revocation list");
  }

  @Test
  void keptListFromAnotherCa_isRefused() throws Exception {
    // A CRL another CA signed: well-formed, correctly signed, foreign.
    BuiltinCa other =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("other/ca.crt"), dir.resolve("other/ca.key")),
            Clock.systemUTC());
    ObjectNode kept = (ObjectNode) JSON.readTree(keptFile().toFile());
    kept.put("crl", Base64.getEncoder().encodeToString(other.crl().getEncoded()));
    Files.write(keptFile(), JSON.writeValueAsBytes(kept));
    vault.seal();

    capture();
    hub = startHub();

    assertThat(connect(good, GOOD)).isEqualTo("tls");
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(m -> m.startsWith(keptFile().toString()))
        .singleElement()
        .satisfies(m -> assertThat(m).contains("not used"));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private ListAppender<ILoggingEvent> capture() {
    log = new ListAppender<>();
    log.start();
    revocationLogger().addAppender(log);
    return log;
  }

  private static Logger revocationLogger() {
    return (Logger) LoggerFactory.getLogger("dev.edgetrust.cloudhub.revocation");
  }

  private HeldCertificate certificate(VaultEnrollment enrollment, NodeName node) throws Exception {
    VaultPkiProvider signer =
        VaultPkiProvider.create(
            client,
            VaultCredentials.token(
                enrollment.enrollWithToken(node).token().orElseThrow(), "node " + node),
            "pki",
            VaultEnrollment.roleName(node));
    KeyPair keys = Keys.newP256();
    IssuedCertificate issued =
        signer.sign(
            SigningRequest.forNode(
                node,
                Csr.create(keys, new X500Principal("CN=kubeedge.io")),
                EnumSet.of(CertificateUsage.CLIENT_AUTH),
                Duration.ofHours(1)));
    return new HeldCertificate(keys.getPrivate(), chain(issued));
  }

  private static List<X509Certificate> chain(IssuedCertificate issued) {
    List<X509Certificate> chain = new ArrayList<>(List.of(issued.certificate()));
    chain.addAll(issued.caChain());
    return chain;
  }

  private HttpResponse<String> get(String path) throws Exception {
    int port = hub.metricsAddress().orElseThrow().getPort();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** "open", "tls" (refused in the handshake) or "http NNN". */
  private String connect(HeldCertificate cert, NodeName node) {
    try {
      int port = hub.websocketAddress().orElseThrow().getPort();
      WebSocket ws =
          HttpClient.newBuilder()
              .sslContext(
                  JdkTls.context(
                      Optional.of(cert),
                      KeyCertificateFiles.readCertificates(settings.caCertificateFile())))
              .build()
              .newWebSocketBuilder()
              .header("node_id", node.value())
              .buildAsync(
                  URI.create("wss://127.0.0.1:" + port + "/p/" + node + "/events"),
                  new HubFixture.Client())
              .get(10, TimeUnit.SECONDS);
      ws.abort();
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
}
