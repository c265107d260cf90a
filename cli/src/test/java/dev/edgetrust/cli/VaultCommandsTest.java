package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.admin.VaultCommand;
import dev.edgetrust.pki.vault.admin.VaultNodeEnrollment;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.config.VaultConfig.AuthMethod;
import dev.edgetrust.pki.vault.config.VaultSettings;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.plugin.VaultEdge;
import dev.edgetrust.vault.testkit.VaultStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vault setup} and {@code enroll} as an operator runs them, against the Vault stand-in. */
class VaultCommandsTest {
  @TempDir Path dir;
  private VaultStandIn vault;
  private Path vaultCa;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    vault = VaultStandIn.start();
    vaultCa = vault.writeServerCa(dir.resolve("vault-tls-ca.pem"));
    // As an operator's shell has them after 'vault server -dev' (plus the CA, as for a real TLS
    // listener).
    env.put("VAULT_ADDR", vault.address().toString());
    env.put("VAULT_TOKEN", vault.rootToken());
    env.put("VAULT_CACERT", vaultCa.toString());
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run run(Object command, String... args) {
    CommandLine cl = new CommandLine(command).setExecutionExceptionHandler(new UserErrors());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    for (CommandLine c : List.of(cl, cl.getSubcommands().getOrDefault("setup", cl))) {
      if (c.getCommand() instanceof VaultCommand.Setup setup) {
        setup.vault.env = env;
        setup.out = print;
      } else if (c.getCommand() instanceof EnrollCommand enroll) {
        ((VaultNodeEnrollment) c.getCommandSpec().mixins().get("vault").userObject()).vault.env =
            env;
        enroll.stdout = print;
      }
    }
    int exit = cl.execute(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  private Run setup(String... more) {
    String[] args = new String[more.length + 1];
    args[0] = "setup";
    System.arraycopy(more, 0, args, 1, more.length);
    return run(new VaultCommand(), args);
  }

  @Test
  void setupTwice_secondRunFindsEveryStepAlreadyDone() {
    Run first =
        setup(
            "--cloudhub-ip",
            "127.0.0.1",
            "--cloudhub-dns",
            "localhost",
            "--approle",
            "--cert-auth");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("Vault at " + vault.address())
        .containsPattern("done +PKI secrets engine at pki/")
        .containsPattern("done +CA of pki/ \\(generated root")
        .containsPattern("done +role pki/roles/cloudhub")
        .containsPattern("done +policy edgetrust-cloudhub\n")
        .containsPattern("done +policy edgetrust-cloudhub-node-control")
        .containsPattern("done +approle auth at auth/approle/")
        .containsPattern("done +cert auth at auth/cert/");

    Run second =
        setup(
            "--cloudhub-ip",
            "127.0.0.1",
            "--cloudhub-dns",
            "localhost",
            "--approle",
            "--cert-auth");

    assertThat(second.exit()).isZero();
    List<String> steps = second.out().lines().filter(l -> l.startsWith("  ")).toList();
    // Nine steps, plus edgetrust's state mount and cert auth's CRL.
    assertThat(steps)
        .hasSize(11)
        .allMatch(l -> l.strip().startsWith("already done"), "already done");
    assertThat(second.out()).contains("Vault was already set up for edgetrust.");
  }

  @Test
  void flagsWinOverTheEnvironment_asWithTheVaultCli() throws Exception {
    env.put("VAULT_ADDR", "https://127.0.0.1:1");
    env.put("VAULT_TOKEN", "not-a-token");
    Path tokenFile = dir.resolve("operator-token");
    // A secret: owner-only, as the CloudHub and EdgeHub require of it.
    dev.edgetrust.credential.AtomicFile.writeSecret(
        tokenFile, (vault.rootToken() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));

    Run r =
        setup(
            "--address",
            vault.address().toString(),
            "--token-file",
            tokenFile.toString(),
            "--ca-cert",
            vaultCa.toString());

    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void unreachableOrUnauthorizedVault_isOneLineAndExitOne() {
    env.put("VAULT_TOKEN", "s.not-a-real-token");

    Run r = setup();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("edgetrust: ")
        .contains("VAULT_TOKEN")
        .doesNotContain("s.not-a-real-token")
        .doesNotContain("Exception");
  }

  @Test
  void noTokenAnywhere_saysHowToProvideOne() {
    env.remove("VAULT_TOKEN");
    env.put("HOME", dir.toString());

    Run r = setup();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .startsWith("edgetrust: no Vault token: pass --token-file FILE or set VAULT_TOKEN");
  }

  @Test
  void badIpForTheCloudHub_isOneLine() {
    Run r = setup("--cloudhub-ip", "cloud.example");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("edgetrust: 'cloud.example' is not an IP address");
  }

  @Test
  void enroll_writesA0700BundleWithA0600Token_andAnEdgecoreTheEdgeHubLoads() throws Exception {
    assertThat(setup().exit()).isZero();
    Path out = dir.resolve("bundle-edge-1");

    Run r =
        run(
            new EnrollCommand(),
            "edge-1",
            "--out",
            out.toString(),
            "--cloudhub",
            "10.0.0.2:10000",
            "--ttl",
            "2h");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.getPosixFilePermissions(out))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    Path token = out.resolve("vault-token");
    assertThat(Files.getPosixFilePermissions(token))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(r.out()).doesNotContain(Files.readString(token).strip()).contains("accessor ");
    assertThat(out.resolve("ca.crt")).exists();
    assertThat(out.resolve("vault-server-ca.crt")).hasSameTextualContentAs(vaultCa);

    EdgeHubSettings s = EdgeHubSettings.load(out.resolve("edgecore.yaml"));
    assertThat(s.nodeName()).isEqualTo(NodeName.of("edge-1"));
    assertThat(s.websocket().server().authority()).isEqualTo("10.0.0.2:10000");
    assertThat(s.caFile()).isEqualTo(out.resolve("ca.crt"));
    assertThat(s.certificateFile().startsWith(out)).isTrue();
    assertThat(s.privateKeyFile().startsWith(out)).isTrue();
    VaultSettings v = ((VaultEdge) s.pki().orElseThrow()).settings();
    assertThat(v.address()).isEqualTo(vault.address());
    assertThat(v.authMethod()).isEqualTo(AuthMethod.TOKEN);
    assertThat(v.tokenFile()).contains(token);
    assertThat(v.serverCa()).contains(out.resolve("vault-server-ca.crt"));
    assertThat(v.role()).isEqualTo("edge-node-edge-1");
    assertThat(v.ttl()).isEqualTo(Duration.ofHours(2));

    // The token carries the node's policy only (and Vault's default, to look itself up and renew).
    VaultClient client =
        VaultClient.connect(VaultConnection.builder(vault.address()).serverCa(vaultCa).build());
    assertThat(
            new VaultTokens(client, Clock.systemUTC())
                .lookupSelf(VaultCredentials.tokenFile(token))
                .policies())
        .containsExactlyInAnyOrder("default", VaultEnrollment.policyName(NodeName.of("edge-1")));
  }

  @Test
  void enrollWithAppRole_writesRoleIdAndSecretId_0600() throws Exception {
    assertThat(setup("--approle").exit()).isZero();
    Path out = dir.resolve("bundle-edge-2");

    Run r = run(new EnrollCommand(), "edge-2", "--out", out.toString(), "--auth", "approle");

    assertThat(r.exit()).as(r.err()).isZero();
    for (String f : List.of("role-id", "secret-id", "edgecore.yaml")) {
      assertThat(Files.getPosixFilePermissions(out.resolve(f)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    VaultSettings v =
        ((VaultEdge) EdgeHubSettings.load(out.resolve("edgecore.yaml")).pki().orElseThrow())
            .settings();
    assertThat(v.authMethod()).isEqualTo(AuthMethod.APPROLE);
    assertThat(v.appRole().orElseThrow().roleId())
        .isEqualTo(Files.readString(out.resolve("role-id")).strip());
    assertThat(v.appRole().orElseThrow().secretIdFile()).isEqualTo(out.resolve("secret-id"));
  }

  @Test
  void enrollIntoANonEmptyDirectory_isRefusedWithoutForce_andAllowedWithIt() throws Exception {
    assertThat(setup().exit()).isZero();
    Path out = Files.createDirectories(dir.resolve("used"));
    Files.writeString(out.resolve("something"), "x");

    Run refused = run(new EnrollCommand(), "edge-3", "--out", out.toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err().strip())
        .isEqualTo(
            "edgetrust: "
                + out
                + " is not empty; choose another --out, or pass --force to overwrite the bundle in it");
    assertThat(out.resolve("edgecore.yaml")).doesNotExist();

    Run forced = run(new EnrollCommand(), "edge-3", "--out", out.toString(), "--force");
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(out.resolve("edgecore.yaml")).exists();
  }

  @Test
  void enrollBeforeSetup_saysToRunSetup() {
    Run r = run(new EnrollCommand(), "edge-4", "--out", dir.resolve("b").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("edgetrust: ").contains("run 'edgetrust vault setup'");
    assertThat(dir.resolve("b")).doesNotExist();
  }

  @Test
  void enrollWithABadNodeName_isOneLineNamingIt() {
    Run r = run(new EnrollCommand(), "Edge_4", "--out", dir.resolve("b").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("edgetrust: NODE: 'Edge_4' is not a valid node name");
  }
}
