package dev.edgetrust.pki.vault.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.EdgePkiContext;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.vault.config.VaultSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Vault plug-in's edge side: the node's own name only, its secrets, its renewal window. */
class VaultEdgeTest {
  private static final NodeName NODE = NodeName.of("node-a");
  private static final Duration TTL = Duration.ofSeconds(20);

  @TempDir Path dir;

  private EdgePkiContext context() throws Exception {
    Path file = dir.resolve("edgecore.yaml");
    Files.writeString(file, "modules: {}\n");
    return EdgePkiContext.builder(YamlConfig.read(file), "vault", NODE)
        .files(dir.resolve("ca.crt"), dir.resolve("node.crt"), dir.resolve("node.key"))
        .build();
  }

  @Test
  void vaultCommonNameOtherThanTheNodes_cannotBeConfiguredInCodeEither() throws Exception {
    VaultSettings foreign =
        VaultSettings.withToken(
            NodeName.of("node-b"),
            URI.create("https://127.0.0.1:8200"),
            dir.resolve("t"),
            Optional.empty(),
            TTL);
    EdgePkiContext context = context();

    assertThatThrownBy(() -> new VaultEdge(foreign, context))
        .hasMessageContaining("must be system:node:node-a");
  }

  @Test
  void enabledSection_isFoundByTheFactory_withItsSecretsAndWindow() throws Exception {
    Path file = dir.resolve("edgecore.yaml");
    Files.writeString(
        file,
        "modules:\n  edgeHub:\n    vault: {enable: true, address: 'https://vault:8200', tokenFile: t}\n");
    EdgePkiContext context =
        EdgePkiContext.builder(YamlConfig.read(file), "vault", NODE)
            .files(dir.resolve("ca.crt"), dir.resolve("node.crt"), dir.resolve("node.key"))
            .build();

    EdgePki edge = new VaultPkiFactory().edge(context).orElseThrow();

    assertThat(edge.provider()).isEqualTo("vault");
    assertThat(edge.secretFiles()).containsExactly(dir.resolve("t").toAbsolutePath());
    assertThat(edge.renewalFrom()).isEqualTo(2.0 / 3.0);
    assertThat(edge.renewalTo()).isEqualTo(0.75);
  }
}
