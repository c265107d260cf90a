package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.MetricsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
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
    String body =
        String.join(
            "", Files.readAllLines(file).stream().filter(l -> !l.startsWith("-----")).toList());
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
    CloudHubSettings settings =
        CloudHubSettings.loopback(dir.resolve("cloud")).toBuilder()
            .edgeCertSigningDuration(Duration.ofSeconds(6))
            .build();
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
            Clock.systemUTC());
    String joinToken = ca.mintJoinToken(Duration.ofHours(1)).value();
    secretToken(joinToken);
    byte[] tokenSecret = Files.readAllBytes(settings.caKeyFile().resolveSibling("join-token.key"));
    secrets.add(HexFormat.of().formatHex(tokenSecret));
    secrets.add(Base64.getEncoder().encodeToString(tokenSecret));
    secretKeyFile(settings.caKeyFile());

    NodeName node = NodeName.of("edge-1");
    try (CloudHub cloud =
        CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC())) {
      secretKeyFile(settings.serverKeyFile());
      EdgeHubSettings edgeSettings =
          EdgeHubSettings.builder(
                  node,
                  new ServerAddress("127.0.0.1", cloud.websocketAddress().orElseThrow().getPort()),
                  URI.create(
                      "https://127.0.0.1:" + cloud.bootstrapAddress().orElseThrow().getPort()),
                  dir.resolve("edge"))
              .token(JoinToken.parse(joinToken))
              .build();
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
      VaultClient client =
          VaultClient.connect(
              VaultConnection.builder(vault.address())
                  .serverCa(vault.writeServerCa(dir.resolve("v.pem")))
                  .build());
      VaultCredential root = VaultCredentials.token(vault.rootToken(), "root");
      VaultSetup.builder(client, root)
          .mount("pki")
          .cloudhubNames("cloudhub", List.of("localhost"), List.of("127.0.0.1"))
          .build()
          .run();
      String nodeToken =
          VaultEnrollment.builder(client, root)
              .mount("pki")
              .build()
              .enrollWithToken(node)
              .token()
              .orElseThrow();
      secretToken(nodeToken);
      Path tokenFile = dir.resolve("vault-token");
      // A secret: owner-only, as the CloudHub and EdgeHub require of it.
      dev.edgetrust.credential.AtomicFile.writeSecret(
          tokenFile, (nodeToken).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      VaultCredential fromFile = VaultCredentials.tokenFile(tokenFile);
      VaultTokens tokens = new VaultTokens(client, Clock.systemUTC());
      tokens.lookupSelf(fromFile);
      tokens.renewSelf(fromFile, Optional.empty());
      VaultPkiProvider.create(client, fromFile, "pki", VaultEnrollment.roleName(node))
          .sign(
              SigningRequest.forNode(
                  node,
                  Csr.create(Keys.newP256(), new X500Principal("CN=x")),
                  EnumSet.of(CertificateUsage.CLIENT_AUTH),
                  Duration.ofHours(1)));
      // A refused call logs an error; it must not carry the token either.
      // A secret: owner-only, as the CloudHub and EdgeHub require of it.
      dev.edgetrust.credential.AtomicFile.writeSecret(
          tokenFile,
          ("s.not-a-valid-token-0123456789").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      secretToken("s.not-a-valid-token-0123456789");
      try {
        tokens.lookupSelf(fromFile);
      } catch (Exception expected) {
        captured.doAppend(errorEvent(expected));
      }
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      lines.add(
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertThat(lines).as("the run logged at debug").hasSizeGreaterThan(20);
    for (String line : lines) {
      for (String secret : secrets) {
        assertThat(line).as("a log line holds a secret").doesNotContain(secret);
      }
    }
  }

  /** A token in every form a log line could carry it: as is, hex (Netty's dumps) and base64. */
  private void secretInEveryForm(String token) {
    secretToken(token);
    byte[] bytes = token.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    secrets.add(HexFormat.of().formatHex(bytes));
    secrets.add(HexFormat.of().withUpperCase().formatHex(bytes));
    secrets.add(Base64.getEncoder().encodeToString(bytes));
    secrets.add(
        Base64.getEncoder()
            .encodeToString(
                ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    // Any 12 bytes of it, hex-dumped: a dump that starts mid-token still gives it away.
    for (int i = 0; i + 12 <= bytes.length; i += 6) {
      secrets.add(HexFormat.of().formatHex(bytes, i, i + 12));
    }
  }

  /**
   * Writes {@code bytes} on a plain TCP connection and reads whatever comes back until it closes.
   */
  private static void sendPlain(java.net.InetSocketAddress to, byte[] bytes) throws Exception {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(to, 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      socket.getInputStream().readAllBytes();
    } catch (java.io.IOException closed) {
      // A reset is an answer too.
    }
  }

  /**
   * Completes a TLS handshake, writes {@code bytes} as they are (malformed or not), reads until
   * close.
   */
  private static void sendOverTls(
      javax.net.ssl.SSLContext tls, java.net.InetSocketAddress to, byte[] bytes) throws Exception {
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket()) {
      socket.connect(to, 5000);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      socket.getInputStream().readAllBytes();
    } catch (java.io.IOException refused) {
      // Refused at the handshake, reset, or timed out: whatever the server did, its log is what is
      // checked.
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @Test
  void everyRefusalOnEveryPort_logsNoTokenInAnyForm() throws Exception {
    String adminToken = "ad31a7c0ffee5ec2e7ad31a7c0ffee5e";
    Path adminTokenFile = dir.resolve("admin.token");
    Files.writeString(adminTokenFile, adminToken + "\n");
    Files.setPosixFilePermissions(
        adminTokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Path cloudDir = dir.resolve("cloud");
    CloudHubSettings settings =
        CloudHubSettings.loopback(cloudDir).toBuilder()
            .admin(
                AdminSettings.on(
                    "127.0.0.1",
                    0,
                    Optional.ofNullable(adminTokenFile),
                    Optional.empty(),
                    AdminSettings.defaultServerCertificateFile(cloudDir.resolve("ca"))))
            .metrics(MetricsSettings.on("127.0.0.1", 0))
            .build();
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
            Clock.systemUTC());
    String joinToken = ca.mintJoinToken(Duration.ofHours(1)).value();
    String jwt = joinToken.substring(joinToken.indexOf('.') + 1);
    String wrongAdminToken = "0ddba11c0ffee5ec0ddba11c0ffee5ec";
    for (String token : List.of(adminToken, joinToken, jwt, wrongAdminToken)) {
      secretInEveryForm(token);
    }
    // A client certificate from a CA the CloudHub does not know.
    BuiltinCa foreign =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("foreign/ca.crt"), dir.resolve("foreign/ca.key")),
            Clock.systemUTC());
    java.security.KeyPair foreignKeys = Keys.newP256();
    dev.edgetrust.x509.HeldCertificate foreignNode =
        new dev.edgetrust.x509.HeldCertificate(
            foreignKeys.getPrivate(),
            List.of(
                foreign
                    .sign(
                        SigningRequest.forNode(
                            NodeName.of("edge-1"),
                            Csr.create(foreignKeys, new X500Principal("CN=x")),
                            Duration.ofHours(1)))
                    .certificate()));

    int refusedHandshakes = 0;
    try (CloudHub cloud =
        CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC())) {
      java.net.InetSocketAddress websocket = cloud.websocketAddress().orElseThrow();
      java.net.InetSocketAddress bootstrap = cloud.bootstrapAddress().orElseThrow();
      java.net.InetSocketAddress admin = cloud.adminAddress().orElseThrow();
      java.net.InetSocketAddress metrics = cloud.metricsAddress().orElseThrow();
      javax.net.ssl.SSLContext nodeTls =
          dev.edgetrust.tls.JdkTls.context(Optional.empty(), ca.trustAnchors());
      javax.net.ssl.SSLContext adminTls =
          dev.edgetrust.tls.JdkTls.context(
              Optional.empty(),
              dev.edgetrust.tls.PinnedServerTrust.of(
                  dev.edgetrust.credential.KeyCertificateFiles.readCertificates(
                          settings.admin().serverCertificateFile())
                      .get(0),
                  "127.0.0.1"));
      javax.net.ssl.SSLContext foreignTls =
          dev.edgetrust.tls.JdkTls.context(Optional.of(foreignNode), ca.trustAnchors());

      // Plain HTTP carrying each token, and bytes that are neither TLS nor HTTP, to every TLS port.
      for (java.net.InetSocketAddress port : List.of(websocket, bootstrap, admin)) {
        sendPlain(
            port,
            ascii(
                "GET /nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + adminToken
                    + "\r\n\r\n"));
        sendPlain(
            port,
            ascii(
                "GET /edge.crt HTTP/1.1\r\nNodeName: edge-1\r\nAuthorization: Bearer "
                    + jwt
                    + "\r\n\r\n"));
        sendPlain(port, ascii(adminToken + "\r\n" + joinToken + "\r\n"));
        refusedHandshakes += 3;
      }
      // The metrics port is plain HTTP: a token sent there, and TLS sent there.
      sendPlain(
          metrics,
          ascii(
              "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + adminToken
                  + "\r\n\r\n"));
      sendPlain(
          metrics,
          ascii(
              "GET /metrics HTTP/1.1\r\nAuthorization: Bearer "
                  + adminToken
                  + "\r\nBad\u0001Header: "
                  + jwt
                  + "\r\n\r\n"));
      sendPlain(metrics, ascii("GET / " + adminToken + "\r\n\r\n"));
      sendOverTls(
          nodeTls,
          metrics,
          ascii("GET /metrics HTTP/1.1\r\nAuthorization: Bearer " + adminToken + "\r\n\r\n"));
      // Malformed requests over good TLS, the token in the request line and in a broken header.
      sendOverTls(nodeTls, bootstrap, ascii("GET /edge.crt " + jwt + "\r\n\r\n"));
      sendOverTls(
          nodeTls,
          bootstrap,
          ascii(
              "GET /edge.crt HTTP/1.1\r\nNodeName: edge-1\r\nAuthorization\u0001: Bearer "
                  + jwt
                  + "\r\n\r\n"));
      sendOverTls(adminTls, admin, ascii("GET /nodes " + adminToken + "\r\n\r\n"));
      sendOverTls(
          adminTls,
          admin,
          ascii("GET /nodes HTTP/1.1\r\nAuthorization\u0001: Bearer " + adminToken + "\r\n\r\n"));
      sendOverTls(
          adminTls,
          admin,
          ascii("GET /nodes HTTP/1.1\r\nX-Long: " + adminToken.repeat(400) + "\r\n\r\n"));
      sendOverTls(
          nodeTls,
          websocket,
          ascii(
              "GET /p/edge-1/events "
                  + jwt
                  + "\r\nAuthorization: Bearer "
                  + adminToken
                  + "\r\n\r\n"));
      // Wrong tokens, and a token sent to the wrong port.
      sendOverTls(
          adminTls,
          admin,
          ascii(
              "GET /nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + wrongAdminToken
                  + "\r\nConnection: close\r\n\r\n"));
      sendOverTls(
          adminTls,
          admin,
          ascii(
              "GET /nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + jwt
                  + "\r\nConnection: close\r\n\r\n"));
      byte[] csr = Csr.create(Keys.newP256(), new X500Principal("CN=x")).der();
      sendOverTls(
          nodeTls,
          bootstrap,
          concat(
              ascii(
                  "GET /edge.crt HTTP/1.1\r\nHost: 127.0.0.1\r\nNodeName: edge-1\r\nAuthorization: Bearer "
                      + adminToken
                      + "\r\nContent-Length: "
                      + csr.length
                      + "\r\nConnection: close\r\n\r\n"),
              csr));
      // A client certificate from another CA, with the token behind it.
      sendOverTls(
          foreignTls,
          websocket,
          ascii("GET / HTTP/1.1\r\nAuthorization: Bearer " + adminToken + "\r\n\r\n"));
      sendOverTls(
          foreignTls,
          bootstrap,
          ascii("GET /edge.crt HTTP/1.1\r\nAuthorization: Bearer " + jwt + "\r\n\r\n"));
      refusedHandshakes += 2;

      int expected = refusedHandshakes;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  captured.list.stream()
                          .filter(e -> e.getFormattedMessage().contains("TLS handshake from"))
                          .count()
                      >= expected);
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      lines.add(
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    // Each refusal is still told, classified.
    for (String listener : List.of("WebSocket", "bootstrap", "admin")) {
      assertThat(lines)
          .anyMatch(
              l ->
                  l.contains("refused " + listener + " TLS handshake")
                      && l.contains("plain HTTP request, not TLS"));
      assertThat(lines)
          .anyMatch(
              l ->
                  l.contains("refused " + listener + " TLS handshake")
                      && l.contains("not TLS (the first bytes are no TLS record)"));
    }
    for (String line : lines) {
      for (String secret : secrets) {
        assertThat(line).as("a log line holds a secret").doesNotContain(secret);
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** An exception as a caller would log it: message and stack. */
  private static ILoggingEvent errorEvent(Exception e) {
    ch.qos.logback.classic.spi.LoggingEvent event =
        new ch.qos.logback.classic.spi.LoggingEvent(
            NoSecretsInLogsTest.class.getName(),
            (Logger) LoggerFactory.getLogger(NoSecretsInLogsTest.class),
            Level.ERROR,
            "refused: {}",
            e,
            new Object[] {e.getMessage()});
    return event;
  }
}
