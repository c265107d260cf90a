package dev.edgetrust.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubException;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that was switched off past its certificate's expiry. With a join token that is still good
 * it enrolls again by itself; with none it says in one ERROR line what the operator must do, keeps
 * looking at its token file, and comes back without a restart once a new token is there.
 */
class ExpiredWhileOfflineTest {
  private static final Duration PATIENCE = Duration.ofSeconds(40);
  private static final NodeName NODE = NodeName.of("edge-away");

  @TempDir Path dir;
  private Cloud cloud;
  private EdgeHub edge;

  /** The same CA (same files), two days ago: to sign what was valid then and has expired since. */
  private BuiltinCa caTwoDaysAgo;

  private final Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));

  @BeforeEach
  void start() throws Exception {
    cloud = new Cloud(dir.resolve("cloud"), b -> b.edgeCertSigningDuration(Duration.ofHours(1)));
    caTwoDaysAgo =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(
                dir.resolve("cloud/ca/rootCA.crt"), dir.resolve("cloud/ca/rootCA.key")),
            Clock.fixed(twoDaysAgo, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    if (edge != null) {
      edge.close();
    }
    cloud.close();
  }

  /** An expired key and certificate for the node, and the CA, where the EdgeHub reads them. */
  private HeldCertificate expiredPairOnDisk(EdgeHubSettings settings) throws Exception {
    KeyPair keys = Keys.newP256();
    HeldCertificate held =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                caTwoDaysAgo
                    .sign(
                        SigningRequest.forNode(
                            NODE,
                            Csr.create(keys, NODE.subject()),
                            EnumSet.of(CertificateUsage.CLIENT_AUTH),
                            Duration.ofHours(1)))
                    .certificate()));
    assertThat(held.notAfter()).isBefore(Instant.now());
    settings.credentialFiles().write(held);
    Files.createDirectories(settings.caFile().getParent());
    Files.writeString(
        settings.caFile(), Pem.certificate(cloud.ca.caCertificate()), StandardCharsets.US_ASCII);
    return held;
  }

  @Test
  void expiredCertificateWithAValidJoinToken_reEnrollsOnStart_andConnects() throws Exception {
    EdgeHubSettings settings =
        cloud.edge(NODE, dir.resolve("edge")).toBuilder()
            .token(cloud.token(Duration.ofHours(1)))
            .build();
    HeldCertificate expired = expiredPairOnDisk(settings);

    edge = EdgeHub.builder(settings).build();
    edge.start();

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                cloud.sessionSerial(NODE).isPresent()
                    && edge.status().state() == ConnectionState.CONNECTED);
    HeldCertificate now = settings.credentialFiles().read().orElseThrow();
    assertThat(now.serialHex())
        .isNotEqualTo(expired.serialHex())
        .isEqualTo(cloud.sessionSerial(NODE).orElseThrow());
    assertThat(now.notAfter()).isAfter(Instant.now());
    assertThat(cloud.issued).hasSize(1);
  }

  @Test
  void
      expiredCertificateAndExpiredTokenInATokenFile_oneActionableErrorLine_thenRecoversWhenANewTokenIsWritten()
          throws Exception {
    Path tokenFile = dir.resolve("edge/token");
    EdgeHubSettings settings =
        cloud.edge(NODE, dir.resolve("edge")).toBuilder().tokenFile(tokenFile).build();
    HeldCertificate expired = expiredPairOnDisk(settings);
    JoinToken stale = JoinToken.parse(caTwoDaysAgo.mintJoinToken(Duration.ofHours(24)).value());
    Instant staleExpiry = stale.expiresAt().orElseThrow();
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        tokenFile,
        (caTwoDaysAgo.mintJoinToken(Duration.ofHours(24)).value())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));

    try (LogCapture logs = LogCapture.attach()) {
      edge = EdgeHub.builder(settings).build();
      edge.start(); // does not throw: a token file may get a new token

      await().atMost(PATIENCE).until(() -> !logs.lines(Level.ERROR, "join token").isEmpty());
      List<String> errors = logs.lines(Level.ERROR, "join token");
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0))
          .contains("node edge-away")
          .contains(
              "the certificate " + settings.certificateFile() + " expired at " + expired.notAfter())
          .contains("the join token in " + tokenFile + " expired at " + staleExpiry)
          .contains("./edgetrust token --config cloudcore.yaml")
          .contains("write it to " + tokenFile)
          .doesNotContain("\n");
      assertThat(edge.status().state()).isEqualTo(ConnectionState.ENROLLING);
      assertThat(cloud.sessionSerial(NODE)).isEmpty();

      // The operator writes a new token; the node finds it on its next look, no restart.
      // A secret: owner-only, as the CloudHub and EdgeHub require of it.
      dev.edgetrust.credential.AtomicFile.writeSecret(
          tokenFile,
          (cloud.ca.mintJoinToken(Duration.ofHours(1)).value())
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  cloud.sessionSerial(NODE).isPresent()
                      && edge.status().state() == ConnectionState.CONNECTED);
      assertThat(settings.credentialFiles().read().orElseThrow().serialHex())
          .isEqualTo(cloud.sessionSerial(NODE).get());
      // The refusal was said once, not once per look at the file.
      assertThat(logs.lines(Level.ERROR, "join token")).hasSize(1);
    }
  }

  @Test
  void expiredCertificateAndExpiredTokenInTheConfiguration_startFailsWithTheSameInstruction()
      throws Exception {
    JoinToken stale = JoinToken.parse(caTwoDaysAgo.mintJoinToken(Duration.ofHours(24)).value());
    EdgeHubSettings settings =
        cloud.edge(NODE, dir.resolve("edge")).toBuilder().token(stale).build();
    expiredPairOnDisk(settings);

    edge = EdgeHub.builder(settings).build();
    assertThatThrownBy(edge::start)
        .isInstanceOf(EdgeHubException.class)
        .hasMessageContaining("expired at " + stale.expiresAt().orElseThrow())
        .hasMessageContaining("./edgetrust token --config cloudcore.yaml")
        .hasMessageContaining("(modules.edgeHub.token) and restart");
  }
}
