package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.cloudhub.config.BootstrapRateLimit;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.MigrationSettings;
import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import dev.edgetrust.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The revocation and admin keys edgetrust adds to modules.cloudHub of cloudcore.yaml. */
class CloudHubConfigTest {
  @TempDir Path dir;

  private CloudHubSettings load(String cloudHub) throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(file, "modules:\n  cloudHub:\n" + cloudHub.indent(4));
    return CloudHubConfig.load(file);
  }

  @Test
  void existingFileWithoutTheNewKeys_keepsTheAdminApiOff_andChecksRevocationWithDefaults()
      throws Exception {
    CloudHubSettings settings =
        load(
            """
        tlsCAFile: /etc/kubeedge/ca/rootCA.crt
        tlsCAKeyFile: /etc/kubeedge/ca/rootCA.key
        https:
          port: 10002
        """);

    assertThat(settings.admin().enabled()).isFalse();
    assertThat(settings.revocation().refreshInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.revocation().failClosed()).isTrue();
    assertThat(settings.revocation().auditFile()).isEqualTo(Path.of("/etc/kubeedge/ca/audit.log"));
    assertThat(settings.revocation().inventoryFile())
        .isEqualTo(Path.of("/etc/kubeedge/ca/node-serials.json"));
    assertThat(settings.revocation().localListFile())
        .isEqualTo(Path.of("/etc/kubeedge/ca/cloudhub-blocks.json"));
  }

  @Test
  void revocationLocalListFile_isReadRelativeToTheConfigFile() throws Exception {
    assertThat(
            load("revocation: {localListFile: state/blocks.json}\n").revocation().localListFile())
        .isEqualTo(dir.resolve("state/blocks.json"));
  }

  @Test
  void reconnectAfterRotation_isOffByDefault_andReadsItsWindow() throws Exception {
    assertThat(load("nodeLimit: 5\n").reconnectWindow()).isEmpty();
    assertThat(load("reconnectAfterRotation: {enable: true, window: 90s}\n").reconnectWindow())
        .hasValue(Duration.ofSeconds(90));
    assertThat(load("reconnectAfterRotation: {enable: true}\n").reconnectWindow())
        .hasValue(Duration.ofMinutes(5));
    assertThatThrownBy(() -> load("reconnectAfterRotation: {enable: true, window: soon}\n"))
        .hasMessageContaining(
            "'modules.cloudHub.reconnectAfterRotation.window' must be a duration");
  }

  @Test
  void adminAndRevocationKeys_areReadWithPathsRelativeToTheFile() throws Exception {
    CloudHubSettings settings =
        load(
            """
        revocation:
          refreshInterval: 3
          failClosed: false
          auditFile: logs/audit.jsonl
        admin:
          enable: true
          port: 11004
          tokenFile: admin.token
          clientCAFile: /etc/edgetrust/admin-ca.crt
        """);

    assertThat(settings.revocation().refreshInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.revocation().failClosed()).isFalse();
    assertThat(settings.revocation().auditFile()).isEqualTo(dir.resolve("logs/audit.jsonl"));
    assertThat(settings.admin().enabled()).isTrue();
    assertThat(settings.admin().address()).as("loopback by default").isEqualTo("127.0.0.1");
    assertThat(settings.admin().port()).isEqualTo(11004);
    assertThat(settings.admin().tokenFile()).hasValue(dir.resolve("admin.token"));
    assertThat(settings.admin().clientCaFile()).hasValue(Path.of("/etc/edgetrust/admin-ca.crt"));
  }

  @Test
  void adminEnabledWithoutAnyCredential_isRefusedNamingTheKeys() {
    assertThatThrownBy(
            () ->
                load(
                    """
        admin:
          enable: true
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.admin")
        .hasMessageContaining("enable' is true but neither 'tokenFile' nor 'clientCAFile' is set");
  }

  @Test
  void adminSectionWithEnableFalse_isOffWhateverElseItSays() throws Exception {
    CloudHubSettings settings =
        load(
            """
        admin:
          enable: false
          port: 11004
        """);

    assertThat(settings.admin().enabled()).isFalse();
  }

  @Test
  void unknownKeyUnderAdmin_isRefusedWithItsFullName() {
    assertThatThrownBy(
            () ->
                load(
                    """
        admin:
          enable: true
          tokenFile: t
          tokenfiel: x
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("modules.cloudHub.admin.tokenfiel");
  }

  @Test
  void zeroRefreshInterval_isRefused() {
    assertThatThrownBy(
            () ->
                load(
                    """
        revocation:
          refreshInterval: 0
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.revocation")
        .hasMessageContaining("refreshInterval' must be greater than 0");
  }

  @Test
  void adminAddressThatIsNotAnIp_isRefused() {
    assertThatThrownBy(
            () ->
                load(
                    """
        admin:
          enable: true
          address: localhost
          tokenFile: t
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.admin")
        .hasMessageContaining("address' 'localhost' is not an IP address");
  }

  @Test
  void bootstrapRateLimit_isOnByDefault_andAnExistingHttpsSectionLoadsWithIt() throws Exception {
    // Issue 11: without a limit, one token holder mints a node name per request.
    CloudHubSettings settings = load("https: {enable: true, address: 0.0.0.0, port: 10002}\n");

    assertThat(settings.https().bootstrapRateLimit()).hasValue(BootstrapRateLimit.DEFAULT);
    assertThat(settings.https().bootstrapRateLimit())
        .hasValue(new BootstrapRateLimit(10, 50, 10_000, 60, 20));
    assertThat(load("").https().bootstrapRateLimit()).hasValue(BootstrapRateLimit.DEFAULT);
    assertThat(settings.limits().tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.limits().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(load("https: {rateLimit: {perAddressQPS: 1}}\n").https().bootstrapRateLimit())
        .hasValue(new BootstrapRateLimit(1, 50, 10_000, 60, 20));
  }

  @Test
  void bootstrapRateLimit_canStillBeTurnedOff() throws Exception {
    assertThat(load("https: {rateLimit: {enable: false}}\n").https().bootstrapRateLimit())
        .isEmpty();
  }

  @Test
  void bootstrapRateLimit_takesItsValuesOrTheDefaults() throws Exception {
    assertThat(load("https: {rateLimit: {enable: true}}\n").https().bootstrapRateLimit())
        .hasValue(BootstrapRateLimit.DEFAULT);
    assertThat(
            load("https: {rateLimit: {enable: true, perAddressQPS: 0.5, burst: 5, maxAddresses: 100,"
                    + " enrollmentsPerMinute: 6, enrollmentBurst: 2}}\n")
                .https()
                .bootstrapRateLimit())
        .hasValue(new BootstrapRateLimit(0.5, 5, 100, 6, 2));
  }

  @Test
  void badRateLimitValues_areRefusedNamingTheFullKey() {
    assertThatThrownBy(() -> load("https: {rateLimit: {enable: true, perAddressQPS: 0}}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.https.rateLimit.perAddressQPS' must be");
    assertThatThrownBy(() -> load("https: {rateLimit: {enable: true, burst: -3}}\n"))
        .hasMessageContaining("'modules.cloudHub.https.rateLimit.burst' must be greater than 0");
    assertThatThrownBy(() -> load("https: {rateLimit: {enrollmentsPerMinute: 0}}\n"))
        .hasMessageContaining("'modules.cloudHub.https.rateLimit.enrollmentsPerMinute' must be");
    assertThatThrownBy(() -> load("https: {rateLimit: {enrollmentBurst: 0}}\n"))
        .hasMessageContaining(
            "'modules.cloudHub.https.rateLimit.enrollmentBurst' must be greater than 0");
    assertThatThrownBy(() -> load("https: {rateLimit: {maxAddresses: lots}}\n"))
        .hasMessageContaining(
            "'modules.cloudHub.https.rateLimit.maxAddresses' must be a whole number");
    assertThatThrownBy(() -> load("https: {rateLimit: {enabel: true}}\n"))
        .hasMessageContaining("unknown key 'modules.cloudHub.https.rateLimit.enabel'");
    assertThatThrownBy(() -> load("websocket: {rateLimit: {enable: true}}\n"))
        .hasMessageContaining("unknown key 'modules.cloudHub.websocket.rateLimit'");
  }

  @Test
  void upstream_isOffByDefault_soAnExistingFileRunsStandalone() throws Exception {
    assertThat(load("nodeLimit: 5\n").upstream()).isEmpty();
    assertThat(load("upstream: {enable: false, server: cloudcore:10000}\n").upstream()).isEmpty();
  }

  @Test
  void upstream_enabled_readsServerFilesAndBounds_withPathsRelativeToTheFile() throws Exception {
    CloudHubSettings settings =
        load(
            """
        upstream:
          enable: true
          server: cloudcore.kubeedge:10000
          caFile: upstream/rootCA.crt
          certFile: upstream/gateway.crt
          keyFile: /etc/edgetrust/upstream/gateway.key
        """);

    UpstreamSettings upstream = settings.upstream().orElseThrow();
    assertThat(upstream.server()).isEqualTo(new UpstreamServer("cloudcore.kubeedge", 10000));
    assertThat(upstream.caFile()).isEqualTo(dir.resolve("upstream/rootCA.crt"));
    assertThat(upstream.certFile()).isEqualTo(dir.resolve("upstream/gateway.crt"));
    assertThat(upstream.keyFile()).isEqualTo(Path.of("/etc/edgetrust/upstream/gateway.key"));
    assertThat(upstream.dialTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(upstream.maxBufferedBytes()).isEqualTo(8 << 20);
    assertThat(upstream.dialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(upstream.maxDialBackoff()).isEqualTo(Duration.ofSeconds(30));

    UpstreamSettings tuned =
        load("""
        upstream: {enable: true, server: "[fd00::1]:10000", caFile: a, certFile: b, keyFile: c,
                   dialTimeout: 3s, maxBufferedBytes: 16777216, dialBackoff: 2s, maxDialBackoff: 1m}
        """)
            .upstream()
            .orElseThrow();
    assertThat(tuned.server()).isEqualTo(new UpstreamServer("fd00::1", 10000));
    assertThat(tuned.dialTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(tuned.maxBufferedBytes()).isEqualTo(16 << 20);
    assertThat(tuned.maxDialBackoff()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void upstreamMistakes_areRefusedInOneLineNamingTheFullKey() {
    assertThatThrownBy(() -> load("upstream: {enable: true, caFile: a, certFile: b, keyFile: c}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "'modules.cloudHub.upstream.server' is required when 'enable' is true");
    assertThatThrownBy(
            () ->
                load(
                    "upstream: {enable: true, server: cloudcore:10000, certFile: b, keyFile: c}\n"))
        .hasMessageContaining("'modules.cloudHub.upstream.caFile' is required");
    assertThatThrownBy(
            () ->
                load(
                    "upstream: {enable: true, server: cloudcore, caFile: a, certFile: b, keyFile: c}\n"))
        .hasMessageContaining("'modules.cloudHub.upstream.server' must be host:port");
    assertThatThrownBy(() -> load("upstream: {maxBufferedBytes: 1024}\n"))
        .hasMessageContaining(
            "'modules.cloudHub.upstream.maxBufferedBytes' must be at least 4194304");
    assertThatThrownBy(() -> load("upstream: {dialTimeout: soon}\n"))
        .hasMessageContaining("'modules.cloudHub.upstream.dialTimeout' must be a duration");
    assertThatThrownBy(() -> load("upstream: {dialBackoff: 1m, maxDialBackoff: 10s}\n"))
        .hasMessageContaining("'modules.cloudHub.upstream.maxDialBackoff'");
    assertThatThrownBy(
            () ->
                load(
                    "upstream: {enable: true, server: cloudcore:10000, caFile: a, certFile: b, keyFile: c, dialTimout: 3s}\n"))
        .hasMessageContaining("unknown key 'modules.cloudHub.upstream.dialTimout'");
  }

  @Test
  void emptyDnsNames_asCloudcoreDefaultconfigPrintsThem_areIgnored() throws Exception {
    assertThat(load("dnsNames: [\"\"]\n").dnsNames()).isEmpty();
    assertThat(load("dnsNames: [\"\", cloud.example, \" \"]\n").dnsNames())
        .containsExactly("cloud.example");
  }

  @Test
  void advertiseAddressThatIsAName_isRefusedPointingToDnsNames() {
    assertThatThrownBy(() -> load("advertiseAddress: [cloud.example]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'modules.cloudHub.advertiseAddress[0]' 'cloud.example'")
        .hasMessageContaining("is not an IP address (put host names in 'dnsNames')");
  }

  @Test
  void enabledUnixSocket_isAcceptedAndNamedAsNotServed_whileQuicIsRefused() throws Exception {
    assertThat(load("nodeLimit: 5\n").enabledButNotServed()).isEmpty();
    assertThat(
            load("unixsocket: {enable: true, address: unix:///var/lib/kubeedge/kubeedge.sock}\n")
                .enabledButNotServed())
        .containsExactly("unixsocket");
    assertThatThrownBy(() -> load("quic: {enable: true}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "'modules.cloudHub.quic.enable' is true, but edgetrust serves WebSocket only");
  }

  @Test
  void stateFiles_stayBesideTheCaKey_withTheBuiltinCa() throws Exception {
    CloudHubSettings settings = load("tlsCAKeyFile: /var/lib/ca/rootCA.key\n");
    assertThat(settings.stateDirectory()).isEqualTo(Path.of("/var/lib/ca"));
    assertThat(settings.revocation().auditFile()).isEqualTo(Path.of("/var/lib/ca/audit.log"));
    assertThat(load("pki: {provider: builtin}\n").revocation().inventoryFile())
        .isEqualTo(Path.of("/etc/kubeedge/ca/node-serials.json"));
  }

  @Test
  void stateFiles_goBesideTheConfigFile_withAnotherPki() throws Exception {
    CloudHubSettings settings = load("pki: {provider: vault}\n");
    assertThat(settings.stateDirectory()).isEqualTo(dir);
    assertThat(settings.revocation().auditFile()).isEqualTo(dir.resolve("audit.log"));
    assertThat(settings.revocation().inventoryFile()).isEqualTo(dir.resolve("node-serials.json"));
    assertThat(settings.revocation().localListFile())
        .isEqualTo(dir.resolve("cloudhub-blocks.json"));
    assertThat(
            load("pki: {Provider: Vault}\nadmin: {enable: true, tokenFile: t}\n")
                .admin()
                .serverCertificateFile())
        .isEqualTo(dir.resolve("admin/server.crt"));
  }

  @Test
  void stateDirectory_isReadRelativeToTheFile_andMovesEveryDefaultStateFile() throws Exception {
    CloudHubSettings settings =
        load("stateDirectory: state\nrevocation: {auditFile: /var/log/audit.log}\n");
    assertThat(settings.stateDirectory()).isEqualTo(dir.resolve("state"));
    assertThat(settings.revocation().auditFile()).isEqualTo(Path.of("/var/log/audit.log"));
    assertThat(settings.revocation().inventoryFile())
        .isEqualTo(dir.resolve("state/node-serials.json"));
  }

  @Test
  void keysSetOnlyInCode_areRefusedLikeAnyUnknownKey_andNotListedAsKnown() {
    assertThatThrownBy(() -> load("credentialPollInterval: 5s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'modules.cloudHub.credentialPollInterval'")
        .satisfies(
            e ->
                assertThat(e.getMessage().substring(e.getMessage().indexOf("(known keys")))
                    .contains("tlsCAFile")
                    .doesNotContain("credentialPollInterval")
                    .doesNotContain("configDirectory")
                    .doesNotContain("limits"));
  }

  @Test
  void migration_isOffByDefault_andNeedsItsEndWhenOn() throws Exception {
    assertThat(load("nodeLimit: 5\n").migration()).isEmpty();
    assertThat(load("migration: {enable: false}\n").migration()).isEmpty();
    assertThat(load("migration: {enable: true, until: 2027-03-01}\n").migration())
        .hasValue(MigrationSettings.until(java.time.Instant.parse("2027-03-01T00:00:00Z")));
    assertThat(
            load("migration: {enable: true, until: \"2027-03-01T12:00:00Z\"}\n")
                .migration()
                .orElseThrow()
                .until())
        .isEqualTo(java.time.Instant.parse("2027-03-01T12:00:00Z"));
    assertThatThrownBy(() -> load("migration: {enable: true}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "'modules.cloudHub.migration.until' is required when 'enable' is true");
    assertThatThrownBy(() -> load("migration: {enable: true, until: soon}\n"))
        .hasMessageContaining(
            "'modules.cloudHub.migration.until' is 'soon', not a date (2027-03-01) or an instant");
  }
}
