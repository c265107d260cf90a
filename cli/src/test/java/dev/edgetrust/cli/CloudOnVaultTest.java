package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

/** The cloud path on an external PKI, through the commands an operator runs. */
class CloudOnVaultTest {
  @TempDir Path dir;
  VaultStandIn vault;
  VaultClient client;
  VaultCredential root;
  Path config;

  @BeforeEach
  void setUp() throws Exception {
    vault = VaultStandIn.start();
    Path vaultCa = vault.writeServerCa(dir.resolve("vault-ca.pem"));
    client =
        VaultClient.connect(VaultConnection.builder(vault.address()).serverCa(vaultCa).build());
    root = VaultCredentials.token(vault.rootToken(), "root");
    VaultSetup.builder(client, root)
        .mount("pki")
        .cloudhubNames("cloudhub", List.of("localhost"), List.of("127.0.0.1"))
        .build()
        .run();
    // What a Vault admin gives the CloudHub pod: its own policies, not root.
    ObjectNode body = VaultClient.object();
    body.putArray("policies")
        .add(VaultSetup.cloudhubPolicyName("pki"))
        .add(VaultSetup.nodeControlPolicyName("pki"));
    String token =
        client
            .write("auth/token/create-orphan", body, root)
            .auth()
            .orElseThrow()
            .path("client_token")
            .asText();
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        dir.resolve("cloudhub-token"), (token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "modules:",
            "  cloudHub:",
            "    advertiseAddress: [127.0.0.1]",
            "    dnsNames: [localhost]",
            "    tlsCAFile: shared/ca.crt",
            "    tlsCertFile: shared/server.crt",
            "    tlsPrivateKeyFile: shared/server.key",
            "    websocket: {address: 127.0.0.1, port: 0}",
            "    https: {address: 127.0.0.1, port: 0}",
            "    pki:",
            "      provider: vault",
            "      vault:",
            "        address: " + vault.address(),
            "        serverCA: vault-ca.pem",
            "        authMethod: token",
            "        tokenFile: cloudhub-token",
            "        serverCertificateTtl: 1h",
            ""));
  }

  @AfterEach
  void tearDown() {
    vault.close();
  }

  private static int run(String... args) {
    PrintStream out = System.out;
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      return Main.run(args);
    } finally {
      System.setOut(out);
    }
  }

  @Test
  void agentOnce_thenCloudHubWithoutCaKey_servesVaultCertificates_andRotatesUnderALiveSession()
      throws Exception {
    assertThat(run("agent", "--config", config.toString(), "--once")).isZero();
    assertThat(Files.getPosixFilePermissions(dir.resolve("shared/server.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(dir.resolve("shared/ca.key")).doesNotExist();

    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    try (CloudHub hub =
        CloudHub.start(
            loaded.hub(),
            loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC())).provider(),
            new CloudHubListener() {},
            Clock.systemUTC())) {
      String firstServerSerial = hub.serverCertificate().getSerialNumber().toString(16);
      List<java.security.cert.X509Certificate> trust =
          KeyCertificateFiles.readCertificates(dir.resolve("shared/ca.crt"));

      // The KubeEdge bootstrap is off, and says why.
      HttpResponse<String> bootstrap =
          HttpClient.newBuilder()
              .sslContext(JdkTls.context(Optional.empty(), trust))
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "https://127.0.0.1:"
                                  + hub.bootstrapAddress().orElseThrow().getPort()
                                  + "/edge.crt"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(bootstrap.statusCode()).isEqualTo(404);
      assertThat(bootstrap.body()).contains("external PKI (vault)");

      // A node with its own Vault token connects on its Vault certificate.
      NodeName node = NodeName.of("edge-1");
      String nodeToken =
          VaultEnrollment.builder(client, root)
              .mount("pki")
              .build()
              .enrollWithToken(node)
              .token()
              .orElseThrow();
      KeyPair keys = Keys.newP256();
      IssuedCertificate issued =
          VaultPkiProvider.create(
                  client,
                  VaultCredentials.token(nodeToken, "node"),
                  "pki",
                  VaultEnrollment.roleName(node))
              .sign(
                  SigningRequest.forNode(
                      node,
                      Csr.create(keys, new X500Principal("CN=kubeedge.io")),
                      EnumSet.of(CertificateUsage.CLIENT_AUTH),
                      Duration.ofHours(1)));
      List<java.security.cert.X509Certificate> chain =
          new ArrayList<>(List.of(issued.certificate()));
      chain.addAll(issued.caChain());
      HeldCertificate nodeCert = new HeldCertificate(keys.getPrivate(), chain);
      List<Integer> closes = new java.util.concurrent.CopyOnWriteArrayList<>();
      HttpClient.newBuilder()
          .sslContext(JdkTls.context(Optional.of(nodeCert), trust))
          .build()
          .newWebSocketBuilder()
          .header("node_id", "edge-1")
          .buildAsync(
              URI.create(
                  "wss://127.0.0.1:"
                      + hub.websocketAddress().orElseThrow().getPort()
                      + "/p/edge-1/events"),
              new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onClose(
                    WebSocket ws, int code, String reason) {
                  closes.add(code);
                  return null;
                }
              })
          .get(10, TimeUnit.SECONDS);
      await().until(() -> hub.session(node).isPresent());

      // The sidecar's renewal, as a second run: the CloudHub serves the new certificate, the
      // session stays.
      assertThat(run("agent", "--config", config.toString(), "--once")).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                hub.reloadCredentials();
                return !hub.serverCertificate()
                    .getSerialNumber()
                    .toString(16)
                    .equals(firstServerSerial);
              });
      assertThat(hub.session(node)).isPresent();
      assertThat(closes).isEmpty();
    }
  }

  @Test
  void vaultProviderWithoutAddress_isOneLineNamingTheKey() throws Exception {
    Files.writeString(config, "modules:\n  cloudHub:\n    pki:\n      provider: vault\n");
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertThat(Main.run("agent", "--config", config.toString(), "--once")).isEqualTo(1);
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "edgetrust: "
                + config
                + ": 'modules.cloudHub.pki.vault.address' is required when 'provider' is vault");
  }

  @Test
  void agentOnce_withAnUnreachableVault_exitsNonZeroWithOneLine() throws Exception {
    vault.close();
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertThat(Main.run("agent", "--config", config.toString(), "--once")).isEqualTo(1);
    } finally {
      System.setErr(err);
    }
    String text = captured.toString(StandardCharsets.UTF_8).strip();
    assertThat(text).startsWith("edgetrust: ").doesNotContain("\tat ");
    assertThat(text.lines()).hasSize(1);
    assertThat(dir.resolve("shared/server.key")).doesNotExist();
  }
}
