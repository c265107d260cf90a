package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.PkiProviders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKIs the launcher ships are found by name through {@link java.util.ServiceLoader} (each
 * module's {@code META-INF/services} file), and a name nobody registered is a one-line error.
 */
class ProviderDiscoveryTest {
  @TempDir Path dir;

  @Test
  void shippedProviders_areFoundByNameThroughServiceLoader() {
    PkiProviders installed = PkiProviders.installed();

    assertThat(installed.names()).contains("builtin", "vault", "cfssl");
    assertThat(installed.find("cfssl").orElseThrow().getClass().getName())
        .isEqualTo("dev.edgetrust.pki.cfssl.CfsslPkiFactory");
    assertThat(installed.find("cfssl").orElseThrow().signsCloudHubCertificate()).isTrue();
    assertThat(installed.find("vault").orElseThrow().getClass().getName())
        .isEqualTo("dev.edgetrust.pki.vault.plugin.VaultPkiFactory");
    assertThat(installed.find("builtin").orElseThrow().getClass().getName())
        .isEqualTo("dev.edgetrust.pki.builtin.BuiltinPkiFactory");
  }

  @Test
  void cloudcoreWithoutPkiSection_runsOnTheBuiltinCaFromTlsCaFiles() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        "modules:\n  cloudHub:\n    tlsCAFile: ca/rootCA.crt\n    tlsCAKeyFile: ca/rootCA.key\n");
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);

    try (CloudPki pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()))) {
      assertThat(pki.provider().name()).isEqualTo("builtin");
      assertThat(pki.joinTokens()).isPresent();
    }
    assertThat(dir.resolve("ca/rootCA.crt")).exists();
    assertThat(dir.resolve("ca/rootCA.key")).exists();
  }

  @Test
  void cloudcoreOnCfssl_buildsWithoutReachingIt_andMintsJoinTokensAtTheCloudHub() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        "modules:\n  cloudHub:\n    tlsCAFile: ca/rootCA.crt\n    tlsCAKeyFile: ca/rootCA.key\n"
            + "    pki:\n      provider: cfssl\n      cfssl: {address: 'http://127.0.0.1:1'}\n");
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);

    try (CloudPki pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()))) {
      assertThat(pki.provider().name()).isEqualTo("cfssl");
      assertThat(pki.provider().bootstrap()).isPresent();
      assertThat(pki.joinTokens()).isPresent();
    }
    // The CloudHub's join-token secret, owner-only; no CA of its own.
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca/join-token.key")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(dir.resolve("ca/rootCA.key")).doesNotExist();
  }

  @Test
  void unknownProviderName_isOneLineListingTheProvidersFound() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(config, "modules:\n  cloudHub:\n    pki: {provider: acme}\n");
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = Main.run("cloudhub", "--config", config.toString());
    } finally {
      System.setErr(err);
    }

    assertThat(exit).isEqualTo(1);
    String line = captured.toString(StandardCharsets.UTF_8).strip();
    assertThat(line)
        .isEqualTo(
            "edgetrust: "
                + config
                + ": 'modules.cloudHub.pki.provider' is 'acme', which is no"
                + " PKI provider here (known: "
                + String.join(", ", PkiProviders.installed().names())
                + ")");
  }

  @Test
  void agentOnAPkiThatSignsNoCloudHubCertificate_isOneLine_andCreatesNoCa() throws Exception {
    Path config = dir.resolve("cloudcore.yaml");
    Files.writeString(
        config,
        "modules:\n  cloudHub:\n    tlsCAFile: ca/rootCA.crt\n    tlsCAKeyFile: ca/rootCA.key\n");
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = Main.run("agent", "--config", config.toString(), "--once");
    } finally {
      System.setErr(err);
    }

    assertThat(exit).isEqualTo(1);
    assertThat(captured.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "edgetrust: "
                + config
                + ": 'modules.cloudHub.pki.provider' is builtin; the certificate agent"
                + " serves an external PKI (set it to vault, with pki.vault)");
    assertThat(dir.resolve("ca")).doesNotExist();
  }
}
