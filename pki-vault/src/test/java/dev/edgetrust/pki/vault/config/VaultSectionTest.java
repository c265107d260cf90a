package dev.edgetrust.pki.vault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.pki.EdgePkiContext;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.vault.config.VaultConfig.AuthMethod;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modules.edgeHub.vault}: off by default, the seed's keys, and errors that name the key. */
class VaultSectionTest {
  @TempDir Path dir;

  /**
   * {@code modules.edgeHub.vault} of {@code file} for its node, as the EdgeHub's settings get it
   * through the Vault plug-in.
   */
  static Optional<VaultSettings> load(Path file) throws ConfigException {
    YamlConfig yaml = YamlConfig.read(file);
    String node = yaml.node("modules.edged.hostnameOverride").asText("node-a");
    EdgePkiContext context =
        EdgePkiContext.builder(yaml, "vault", NodeName.of(node))
            .files(Path.of("ca.crt"), Path.of("node.crt"), Path.of("node.key"))
            .build();
    return VaultSettings.from(context);
  }

  private Path write(String vault) throws IOException {
    Path file = dir.resolve("edgecore.yaml");
    Files.writeString(
        file,
        "modules:\n  edged:\n    hostnameOverride: node-a\n  edgeHub:\n"
            + "    websocket: {server: \"127.0.0.1:10000\"}\n"
            + ("vault:\n" + vault.indent(2)).indent(4));
    return file;
  }

  @Test
  void kubeEdgeEdgecoreWithoutTheSection_hasVaultOff() throws Exception {
    Path file = dir.resolve("edgecore.yaml");
    try (InputStream in = getClass().getResourceAsStream("/edgecore-v1.15.yaml")) {
      Files.copy(in, file);
    }

    assertThat(load(file)).isEmpty();
  }

  @Test
  void exampleEdgecoreVaultYaml_loads() throws Exception {
    VaultSettings v = load(Path.of("../examples/edgecore-vault.yaml")).orElseThrow();

    assertThat(v.authMethod()).isEqualTo(AuthMethod.TOKEN);
    assertThat(v.role()).isEqualTo("edge-node-edge-node-1");
    assertThat(v.ttl()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void disabledSection_isNotCheckedFurther_andChangesNothing() throws Exception {
    Optional<VaultSettings> s =
        load(write("enable: false\naddress: not a url\nauthMethod: kerberos\n"));

    assertThat(s).isEmpty();
  }

  @Test
  void seedKeysOnly_getDefaults_roleAndCommonNameFromTheNode_pathsFromTheFile() throws Exception {
    Optional<VaultSettings> s =
        load(
            write(
                """
        enable: true
        address: https://vault.example.com:8200/
        tokenFile: vault-token
        serverCA: vault-ca.pem
        """));

    VaultSettings v = s.orElseThrow();
    assertThat(v.address()).isEqualTo(URI.create("https://vault.example.com:8200"));
    assertThat(v.authMethod()).isEqualTo(AuthMethod.TOKEN);
    assertThat(v.tokenFile()).contains(dir.resolve("vault-token").toAbsolutePath());
    assertThat(v.serverCa()).contains(dir.resolve("vault-ca.pem").toAbsolutePath());
    assertThat(v.role()).isEqualTo("edge-node-node-a");
    assertThat(v.commonName()).isEqualTo("system:node:node-a");
    assertThat(v.ttl()).isEqualTo(Duration.ofHours(24));
    assertThat(v.pki()).isEqualTo("pki");
    assertThat(v.renewalWindow()).isEqualTo(new VaultConfig.Window(2.0 / 3.0, 0.75));
    assertThat(v.recheck()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void everyKey_isRead() throws Exception {
    Optional<VaultSettings> s =
        load(
            write(
                """
        enable: true
        address: https://10.0.0.5:8200
        role: edge-fleet
        commonName: system:node:node-a
        ttl: 1h30m
        pki: pki_edge
        authMethod: approle
        approle: {mount: edge-approle, roleId: 4f1c-role, secretIdFile: /etc/edgetrust/secret-id}
        cert: {mount: edge-cert, role: edgetrust-node-node-a}
        renewalWindow: {from: 0.5, to: 0.6}
        recheck: 30s
        """));

    VaultSettings v = s.orElseThrow();
    assertThat(v.authMethod()).isEqualTo(AuthMethod.APPROLE);
    assertThat(v.appRole())
        .contains(
            new VaultSettings.AppRole(
                "edge-approle", "4f1c-role", Path.of("/etc/edgetrust/secret-id")));
    assertThat(v.tokenFile()).isEmpty();
    assertThat(v.role()).isEqualTo("edge-fleet");
    assertThat(v.ttl()).isEqualTo(Duration.ofMinutes(90));
    assertThat(v.pki()).isEqualTo("pki_edge");
    assertThat(v.certMount()).isEqualTo("edge-cert");
    assertThat(v.certRole()).contains("edgetrust-node-node-a");
    assertThat(v.renewalWindow()).isEqualTo(new VaultConfig.Window(0.5, 0.6));
    assertThat(v.recheck()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void certAuth_needsNoTokenFile() throws Exception {
    Optional<VaultSettings> s =
        load(write("enable: true\naddress: https://vault:8200\nauthMethod: cert\n"));

    assertThat(s.orElseThrow().authMethod()).isEqualTo(AuthMethod.CERT);
  }

  @Test
  void anotherCommonName_isRefused_sayingTheCloudHubAdmitsOnlyTheNodesOwn() throws Exception {
    Path file =
        write(
            "enable: true\naddress: https://vault:8200\ntokenFile: t\ncommonName: system:node:node-b\n");

    assertThatThrownBy(() -> load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("'modules.edgeHub.vault.commonName' is 'system:node:node-b'")
        .hasMessageContaining("system:node:node-a");
  }

  @Test
  void missingAddress_namesTheKey() throws Exception {
    Path file = write("enable: true\ntokenFile: t\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("'modules.edgeHub.vault.address' is required");
  }

  @Test
  void tokenAuthWithoutTokenFile_namesTheKeyAndHowToGetOne() throws Exception {
    Path file = write("enable: true\naddress: https://vault:8200\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining("'modules.edgeHub.vault.tokenFile' is required")
        .hasMessageContaining("edgetrust enroll");
  }

  @Test
  void appRoleWithoutSecretIdFile_namesTheNestedKey() throws Exception {
    Path file =
        write(
            "enable: true\naddress: https://vault:8200\nauthMethod: approle\napprole: {roleId: r}\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining("'modules.edgeHub.vault.approle.secretIdFile' is required");
  }

  @Test
  void unknownAuthMethod_listsTheKnownOnes() throws Exception {
    Path file = write("enable: true\naddress: https://vault:8200\nauthMethod: kerberos\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining(
            "'modules.edgeHub.vault.authMethod' must be token, approle or cert, not 'kerberos'");
  }

  @Test
  void certAuthOverPlainHttp_isRefused() throws Exception {
    Path file = write("enable: true\naddress: http://vault:8200\nauthMethod: cert\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining("'modules.edgeHub.vault.address' must be https://");
  }

  @Test
  void ttlThatIsNotAGoDuration_isRefusedNamingTheKey() throws Exception {
    Path file = write("enable: true\naddress: https://vault:8200\ntokenFile: t\nttl: 1 day\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining("'modules.edgeHub.vault.ttl' must be a duration such as 24h");
  }

  @Test
  void tooShortTtl_isRefused() throws Exception {
    Path file = write("enable: true\naddress: https://vault:8200\ntokenFile: t\nttl: 2s\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining("'modules.edgeHub.vault.ttl' must be at least 10s");
  }

  @Test
  void addressThatIsNotAUrl_isRefused() throws Exception {
    Path file = write("enable: true\naddress: vault:8200\ntokenFile: t\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining("'modules.edgeHub.vault.address' must be Vault's http(s) address");
  }

  @Test
  void backwardsRenewalWindow_namesTheNestedKey() throws Exception {
    Path file =
        write(
            "enable: true\naddress: https://vault:8200\ntokenFile: t\nrenewalWindow: {from: 0.9, to: 0.5}\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining(
            "'modules.edgeHub.vault.renewalWindow.from' must be greater than 0 and at most 'to'");
  }

  @Test
  void unknownKeyInTheSection_namesTheFullKey() throws Exception {
    Path file = write("enable: true\naddress: https://vault:8200\ntokenFile: t\ntokenfil: x\n");

    assertThatThrownBy(() -> load(file))
        .hasMessageContaining("unknown key 'modules.edgeHub.vault.tokenfil'");
  }
}
