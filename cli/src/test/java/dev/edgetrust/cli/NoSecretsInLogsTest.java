package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.CloudHubListener;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.enrollment.JoinToken;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.pki.vault.VaultClient;
import dev.edgetrust.pki.vault.VaultConnection;
import dev.edgetrust.pki.vault.VaultCredential;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.VaultTokens;
import dev.edgetrust.vault.testkit.VaultStandIn;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * DESIGN §5: keys and tokens are never logged. Enrollment, rotation, block/unblock and Vault token
 * use run with every logger at DEBUG; every line (and every logged exception) is then searched for
 * each secret the run handled.
 */
class NoSecretsInLogsTest {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final List<Level> levels = new ArrayList<>();
  private final Set<String> secrets = new LinkedHashSet<>();

  @BeforeEach
  void captureEverything() {
    captured.start();
    root.addAppender(captured);
    for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "io.netty")) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      levels.add(logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
  }

  @AfterEach
  void restore() {
    root.detachAppender(captured);
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(levels.get(0));
    ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(levels.get(1));
  }

  /** A key file's secret: its base64 body, and pieces of it long enough to be unmistakable. */
  private void secretKeyFile(Path file) throws Exception {
    String body = String.join("", Files.readAllLines(file).stream().filter(l -> !l.startsWith("-----")).toList());
    secrets.add(body);
    for (int i = 0; i + 24 <= body.length(); i += 24) {
      secrets.add(body.substring(i, i + 24));
    }
  }

  private void secretToken(String token) {
    secrets.add(token);
    for (String part : token.split("\\.")) {
      if (part.length() >= 16) {
        secrets.add(part);
      }
    }
  }

  @Test
  void enrollmentRotationBlockAndVaultTokens_logNoKeyAndNoToken() throws Exception {
    CloudHubSettings settings = CloudHubSettings.loopback(dir.resolve("cloud")).toBuilder()
        .edgeCertSigningDuration(Duration.ofSeconds(6)).build();
    BuiltinCa ca = BuiltinCa.loadOrCreate(BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()), Clock.systemUTC());
    String joinToken = ca.mintJoinToken(Duration.ofHours(1)).value();
    secretToken(joinToken);
    byte[] tokenSecret = Files.readAllBytes(settings.caKeyFile().resolveSibling("join-token.key"));
    secrets.add(HexFormat.of().formatHex(tokenSecret));
    secrets.add(Base64.getEncoder().encodeToString(tokenSecret));
    secretKeyFile(settings.caKeyFile());

    NodeName node = NodeName.of("edge-1");
    try (CloudHub cloud = CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC())) {
      secretKeyFile(settings.serverKeyFile());
      EdgeHubSettings edgeSettings =
          EdgeHubSettings.of(node, new ServerAddress("127.0.0.1", cloud.websocketAddress().orElseThrow().getPort()),
                  URI.create("https://127.0.0.1:" + cloud.bootstrapAddress().orElseThrow().getPort()), dir.resolve("edge"))
              .withToken(JoinToken.parse(joinToken));
      try (EdgeHub edge = EdgeHub.builder(edgeSettings).build()) {
        edge.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> cloud.session(node).isPresent());
        secretKeyFile(edgeSettings.privateKeyFile());
        await().atMost(Duration.ofSeconds(40)).until(() -> edge.status().rotations() >= 1);
        secretKeyFile(edgeSettings.privateKeyFile());
        cloud.nodeAccess().block(node, "test");
        cloud.nodeAccess().unblock(node, "test");
      }
    }

    try (VaultStandIn vault = VaultStandIn.start()) {
      secretToken(vault.rootToken());
      VaultClient client = VaultClient.connect(VaultConnection.builder(vault.address()).serverCa(vault.writeServerCa(dir.resolve("v.pem"))).build());
      VaultCredential root = VaultCredential.token(vault.rootToken(), "root");
      VaultSetup.builder(client, root).mount("pki").cloudhubNames("cloudhub", List.of("localhost"), List.of("127.0.0.1")).build().run();
      String nodeToken = VaultEnrollment.builder(client, root).mount("pki").build().enrollWithToken(node).token().orElseThrow();
      secretToken(nodeToken);
      Path tokenFile = dir.resolve("vault-token");
      // A secret: owner-only, as the CloudHub and EdgeHub require of it.
      dev.edgetrust.credential.AtomicFile.writeSecret(tokenFile, (nodeToken).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      VaultCredential fromFile = VaultCredential.tokenFile(tokenFile);
      VaultTokens tokens = new VaultTokens(client, Clock.systemUTC());
      tokens.lookupSelf(fromFile);
      tokens.renewSelf(fromFile, Optional.empty());
      VaultPkiProvider.create(client, fromFile, "pki", VaultEnrollment.roleName(node))
          .sign(SigningRequest.forNode(node, Csr.create(Keys.newP256(), new X500Principal("CN=x")),
              EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofHours(1)));
      // A refused call logs an error; it must not carry the token either.
      // A secret: owner-only, as the CloudHub and EdgeHub require of it.
      dev.edgetrust.credential.AtomicFile.writeSecret(tokenFile, ("s.not-a-valid-token-0123456789").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      secretToken("s.not-a-valid-token-0123456789");
      try {
        tokens.lookupSelf(fromFile);
      } catch (Exception expected) {
        captured.doAppend(errorEvent(expected));
      }
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertThat(lines).as("the run logged at debug").hasSizeGreaterThan(20);
    for (String line : lines) {
      for (String secret : secrets) {
        assertThat(line).as("a log line holds a secret").doesNotContain(secret);
      }
    }
  }

  /** An exception as a caller would log it: message and stack. */
  private static ILoggingEvent errorEvent(Exception e) {
    ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
        NoSecretsInLogsTest.class.getName(), (Logger) LoggerFactory.getLogger(NoSecretsInLogsTest.class), Level.ERROR,
        "refused: {}", e, new Object[] {e.getMessage()});
    return event;
  }
}
