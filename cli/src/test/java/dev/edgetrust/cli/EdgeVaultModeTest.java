package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubStatus;
import dev.edgetrust.edgehub.enrollment.EnrollmentException;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.admin.EdgeBundle;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.config.VaultConfig.AuthMethod;
import dev.edgetrust.pki.vault.config.VaultSettings;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An edge node in Vault mode, end to end on loopback: the real EdgeHub with the CLI's Vault wiring,
 * against the Vault stand-in and a real CloudHub trusting Vault's CA.
 */
class EdgeVaultModeTest {
  private static final Duration PATIENCE = Duration.ofSeconds(40);

  @TempDir Path dir;
  private VaultWorld world;
  private final List<EdgeHubStatus> statuses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startWorld() throws Exception {
    world = new VaultWorld(dir);
  }

  @AfterEach
  void stopWorld() throws Exception {
    world.close();
  }

  private VaultWorld.Node startNode(NodeName node, Duration ttl, Duration recheck)
      throws Exception {
    EdgeBundle.Written bundle = world.enroll(node, ttl);
    VaultWorld.Node n = world.start(bundle, VaultWorld.vault(v -> v.withRecheck(recheck)));
    n.hub().addStatusListener(statuses::add);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                world.sessionSerial(node).isPresent()
                    && n.hub().status().state() == ConnectionState.CONNECTED);
    return n;
  }

  private boolean disconnectedAfterFirstConnect() {
    boolean connected = false;
    for (EdgeHubStatus s : statuses) {
      connected |= s.state() == ConnectionState.CONNECTED;
      if (connected && s.state() == ConnectionState.DISCONNECTED) {
        return true;
      }
    }
    return false;
  }

  @Test
  void firstCertificateComesFromVault_isRenewedBeforeExpiry_andTheNodeMovesToItWithoutAnOutage()
      throws Exception {
    NodeName node = NodeName.of("edge-a");
    VaultWorld.Node n = startNode(node, Duration.ofSeconds(10), Duration.ofMinutes(1));
    String first = world.sessionSerial(node).orElseThrow();

    HeldCertificate held = n.settings().credentialFiles().read().orElseThrow();
    X509Certificate ca = KeyCertificateFiles.readCertificates(n.settings().caFile()).get(0);
    assertThat(world.client.connection()).isNotNull();
    assertThat(ca)
        .isEqualTo(
            VaultPkiProvider.create(world.client, world.operator, "pki", "cloudhub")
                .trustAnchors()
                .get(0));
    held.certificate().verify(ca.getPublicKey());
    assertThat(NodeName.fromCertificate(held.certificate())).isEqualTo(node);
    assertThat(held.serialHex()).isEqualTo(first);
    assertThat(world.vault.requestCount("pki/sign/edge-node-edge-a")).isEqualTo(1);
    // The lifetime asked for (10 s), not a year: Vault's notBefore is backdated, so look at
    // notAfter.
    assertThat(held.notAfter()).isBefore(Instant.now().plusSeconds(11));

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                n.hub().status().rotations() >= 1
                    && world.sessionSerial(node).filter(s -> !s.equals(first)).isPresent());
    assertThat(world.vault.requestCount("pki/sign/edge-node-edge-a")).isGreaterThanOrEqualTo(2);
    assertThat(n.settings().credentialFiles().read().orElseThrow().serialHex())
        .isEqualTo(world.sessionSerial(node).get());
    assertThat(disconnectedAfterFirstConnect())
        .as("the node was disconnected during the renewal")
        .isFalse();
  }

  @Test
  void expiredToken_nodeKeepsItsCertificate_saysSoOnce_andRecoversWhenANewTokenFileAppears()
      throws Exception {
    NodeName node = NodeName.of("edge-b");
    EdgeBundle.Written bundle = world.enroll(node, Duration.ofMinutes(10));
    Path tokenFile = bundle.dir().resolve(EdgeBundle.TOKEN_FILE);
    // A short, non-renewable token with the node's policy: it really expires.
    String shortLived =
        world
            .client
            .write(
                "auth/token/create-orphan",
                VaultClient.object()
                    .put("ttl", "3s")
                    .put("renewable", false)
                    .set(
                        "policies",
                        VaultClient.object().arrayNode().add(VaultEnrollment.policyName(node))),
                world.operator)
            .auth()
            .orElseThrow()
            .path("client_token")
            .asText();
    AtomicFile.writeSecret(tokenFile, (shortLived + "\n").getBytes(StandardCharsets.US_ASCII));
    ListAppender<ILoggingEvent> edgeLog = capture(EdgeHub.class);

    VaultWorld.Node n =
        world.start(bundle, VaultWorld.vault(v -> v.withRecheck(Duration.ofSeconds(1))));
    await().atMost(PATIENCE).until(() -> world.sessionSerial(node).isPresent());
    String first = world.sessionSerial(node).orElseThrow();
    VaultTokens tokens = new VaultTokens(world.client, Clock.systemUTC());
    await()
        .atMost(PATIENCE)
        .until(() -> refused(() -> tokens.lookupSelf(VaultCredentials.tokenFile(tokenFile))));

    CompletableFuture<?> renewal = n.hub().renewNow();
    assertThatThrownBy(() -> renewal.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("expired or revoked")
        .hasMessageContaining("write a new token to " + tokenFile);
    long attempts = world.vault.requestCount("pki/sign/edge-node-edge-b");
    await()
        .atMost(PATIENCE)
        .until(() -> world.vault.requestCount("pki/sign/edge-node-edge-b") >= attempts + 2);
    assertThat(n.hub().status().state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(n.hub().status().certificateSerial()).contains(first);
    assertThat(world.sessionSerial(node)).contains(first);
    assertThat(errors(edgeLog, "expired or revoked"))
        .as("one error line, not one per attempt")
        .isEqualTo(1);

    String fresh = world.enrollment().enrollWithToken(node).token().orElseThrow();
    AtomicFile.writeSecret(tokenFile, (fresh + "\n").getBytes(StandardCharsets.US_ASCII));

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                n.hub().status().rotations() >= 1
                    && world.sessionSerial(node).filter(s -> !s.equals(first)).isPresent());
    assertThat(n.hub().status().detail()).isEmpty();
    assertThat(disconnectedAfterFirstConnect()).isFalse();
  }

  @Test
  void vaultSealedForLongerThanTheRenewalWindow_isNoOutage_andTheNodeRenewsWhenItIsBack()
      throws Exception {
    NodeName node = NodeName.of("edge-c");
    VaultWorld.Node n = startNode(node, Duration.ofSeconds(10), Duration.ofMinutes(1));
    String first = world.sessionSerial(node).orElseThrow();
    HeldCertificate held = n.settings().credentialFiles().read().orElseThrow();
    // The window is 2/3 to 3/4 of the 10 s asked for, counted back from notAfter.
    Instant windowEnd = held.notAfter().minus(Duration.ofMillis(2500));

    world.vault.seal();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                Instant.now().isAfter(windowEnd.plusMillis(300))
                    && n.hub().status().detail().filter(d -> d.contains("sealed")).isPresent());

    assertThat(n.hub().status().state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(n.hub().status().certificateSerial()).contains(first);
    assertThat(world.sessionSerial(node)).contains(first);
    assertThat(world.connections).hasSize(1);
    assertThat(disconnectedAfterFirstConnect()).isFalse();

    world.vault.unseal();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                n.hub().status().rotations() >= 1
                    && world.sessionSerial(node).filter(s -> !s.equals(first)).isPresent());
  }

  @Test
  void aNodesToken_cannotGetACertificateForAnotherNode_neitherOnItsRoleNorOnTheOthers()
      throws Exception {
    NodeName a = NodeName.of("edge-d");
    NodeName b = NodeName.of("edge-e");
    EdgeBundle.Written bundleA = world.enroll(a, Duration.ofHours(1));
    world.enroll(b, Duration.ofHours(1));
    VaultCredential aToken =
        VaultCredentials.tokenFile(bundleA.dir().resolve(EdgeBundle.TOKEN_FILE));
    Csr csr = Csr.create(Keys.newP256(), b.subject());

    VaultPkiProvider othersRole =
        VaultPkiProvider.create(world.client, aToken, "pki", VaultEnrollment.roleName(b));
    assertThatThrownBy(
            () ->
                othersRole.sign(
                    SigningRequest.forNode(
                        b, csr, EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofHours(1))))
        .isInstanceOfSatisfying(PkiException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("permission denied on pki/sign/edge-node-edge-e");

    VaultPkiProvider ownRole =
        VaultPkiProvider.create(world.client, aToken, "pki", VaultEnrollment.roleName(a));
    assertThatThrownBy(
            () ->
                ownRole.sign(
                    SigningRequest.forNode(
                        b, csr, EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofHours(1))))
        .isInstanceOfSatisfying(PkiException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("system:node:edge-e not allowed by this role");

    Csr own = Csr.create(Keys.newP256(), a.subject());
    assertThat(
            ownRole
                .sign(
                    SigningRequest.forNode(
                        a, own, EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofHours(1)))
                .certificate()
                .getSubjectX500Principal())
        .isEqualTo(a.subject());
  }

  @Test
  void certAuth_firstCertificateWithTheToken_thenRenewsWithTheCertificateAlone() throws Exception {
    NodeName node = NodeName.of("edge-g");
    VaultSetup.builder(world.client, world.operator)
        .enableCertAuth("cert")
        .cloudhubNames("cloudhub", List.of("localhost"), List.of("127.0.0.1"))
        .build()
        .run();
    world.enrollment().allowCertificateLogin(node, "cert", Duration.ofMinutes(10));
    EdgeBundle.Written bundle = world.enroll(node, Duration.ofMinutes(10));
    Path tokenFile = bundle.dir().resolve(EdgeBundle.TOKEN_FILE);
    VaultWorld.Node n =
        world.start(
            bundle,
            VaultWorld.vault(
                v ->
                    new VaultSettings(
                        v.address(),
                        AuthMethod.CERT,
                        v.tokenFile(),
                        v.role(),
                        v.commonName(),
                        v.ttl(),
                        v.pki(),
                        v.serverCa(),
                        Optional.empty(),
                        "cert",
                        Optional.of(VaultEnrollment.policyName(node)),
                        v.renewalWindow(),
                        v.recheck())));
    await().atMost(PATIENCE).until(() -> world.sessionSerial(node).isPresent());
    String first = world.sessionSerial(node).orElseThrow();
    assertThat(world.vault.requestCount("auth/cert/login")).isZero();

    // The token is gone: from now on only the certificate proves who the node is.
    Files.delete(tokenFile);
    n.hub().renewNow().get(30, TimeUnit.SECONDS);

    await()
        .atMost(PATIENCE)
        .until(() -> world.sessionSerial(node).filter(s -> !s.equals(first)).isPresent());
    assertThat(world.vault.requestCount("auth/cert/login")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void edgeDefaultRole_isTheRoleEnrollCreates() {
    NodeName node = NodeName.of("edge-f");
    assertThat(VaultSettings.defaultRole(node)).isEqualTo(VaultEnrollment.roleName(node));
  }

  private interface Call {
    void run() throws Exception;
  }

  private static boolean refused(Call call) {
    try {
      call.run();
      return false;
    } catch (PkiException e) {
      return !e.isRetryable();
    } catch (Exception e) {
      return false;
    }
  }

  private static ListAppender<ILoggingEvent> capture(Class<?> type) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
    return appender;
  }

  private static long errors(ListAppender<ILoggingEvent> appender, String containing) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains(containing))
        .count();
  }
}
