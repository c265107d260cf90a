package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link CloudHubSettings} built in code (tests, the demo, benchmarks): start from {@link
 * CloudHubSettings#loopback} or {@link CloudHubSettings#toBuilder()} and change a few settings;
 * every other one is kept, and what is left unset takes the file's default.
 */
public final class CloudHubSettingsBuilder {
  private Boolean enable;
  private Duration keepaliveInterval;
  private Integer nodeLimit;
  private Path caCertificateFile;
  private Path caKeyFile;
  private Path serverCertificateFile;
  private Path serverKeyFile;
  private Duration writeTimeout;
  private KubeEdgeOnly.Quic quic;
  private KubeEdgeOnly.UnixSocket unixsocket;
  private ListenerSettings websocket;
  private HttpsSettings https;
  private List<InetAddress> advertiseAddresses;
  private List<String> dnsNames;
  private Duration edgeCertSigningDuration;
  private Duration tokenRefreshDuration;
  private JsonNode authorization;
  private Optional<Path> joinTokenFile;
  private RevocationSettings revocation;
  private AdminSettings admin;
  private JsonNode pki;
  private ReconnectAfterRotation reconnectAfterRotation;
  private MetricsSettings metrics;
  private JoinTokens joinTokens;
  private Optional<UpstreamSettings> upstream;
  private Optional<MigrationSettings> migration;
  private Path stateDirectory;
  private Duration credentialPollInterval;
  private Limits limits;
  private Path configDirectory;

  CloudHubSettingsBuilder(Path configDirectory) {
    this.configDirectory = configDirectory;
  }

  CloudHubSettingsBuilder(CloudHubSettings s) {
    enable = s.enable();
    keepaliveInterval = s.keepaliveInterval();
    nodeLimit = s.nodeLimit();
    caCertificateFile = s.caCertificateFile();
    caKeyFile = s.caKeyFile();
    serverCertificateFile = s.serverCertificateFile();
    serverKeyFile = s.serverKeyFile();
    writeTimeout = s.writeTimeout();
    quic = s.quic();
    unixsocket = s.unixsocket();
    websocket = s.websocket();
    https = s.https();
    advertiseAddresses = s.advertiseAddresses();
    dnsNames = s.dnsNames();
    edgeCertSigningDuration = s.edgeCertSigningDuration();
    tokenRefreshDuration = s.tokenRefreshDuration();
    authorization = s.authorization();
    joinTokenFile = s.joinTokenFile();
    revocation = s.revocation();
    admin = s.admin();
    pki = s.pki();
    reconnectAfterRotation = s.reconnectAfterRotation();
    metrics = s.metrics();
    joinTokens = s.joinTokens();
    upstream = s.upstream();
    migration = s.migration();
    stateDirectory = s.stateDirectory();
    credentialPollInterval = s.credentialPollInterval();
    limits = s.limits();
    configDirectory = s.configDirectory();
  }

  public CloudHubSettingsBuilder keepaliveInterval(Duration value) {
    keepaliveInterval = value;
    return this;
  }

  public CloudHubSettingsBuilder nodeLimit(Integer value) {
    nodeLimit = value;
    return this;
  }

  public CloudHubSettingsBuilder caCertificateFile(Path value) {
    caCertificateFile = value;
    return this;
  }

  public CloudHubSettingsBuilder caKeyFile(Path value) {
    caKeyFile = value;
    return this;
  }

  public CloudHubSettingsBuilder serverCertificateFile(Path value) {
    serverCertificateFile = value;
    return this;
  }

  public CloudHubSettingsBuilder serverKeyFile(Path value) {
    serverKeyFile = value;
    return this;
  }

  public CloudHubSettingsBuilder writeTimeout(Duration value) {
    writeTimeout = value;
    return this;
  }

  public CloudHubSettingsBuilder websocket(ListenerSettings value) {
    websocket = value;
    return this;
  }

  public CloudHubSettingsBuilder https(HttpsSettings value) {
    https = value;
    return this;
  }

  public CloudHubSettingsBuilder advertiseAddresses(List<InetAddress> value) {
    advertiseAddresses = value;
    return this;
  }

  public CloudHubSettingsBuilder dnsNames(List<String> value) {
    dnsNames = value;
    return this;
  }

  public CloudHubSettingsBuilder edgeCertSigningDuration(Duration value) {
    edgeCertSigningDuration = value;
    return this;
  }

  public CloudHubSettingsBuilder tokenRefreshDuration(Duration value) {
    tokenRefreshDuration = value;
    return this;
  }

  public CloudHubSettingsBuilder revocation(RevocationSettings value) {
    revocation = value;
    return this;
  }

  public CloudHubSettingsBuilder admin(AdminSettings value) {
    admin = value;
    return this;
  }

  public CloudHubSettingsBuilder metrics(MetricsSettings value) {
    metrics = value;
    return this;
  }

  public CloudHubSettingsBuilder joinTokens(JoinTokens value) {
    joinTokens = value;
    return this;
  }

  public CloudHubSettingsBuilder stateDirectory(Path value) {
    stateDirectory = value;
    return this;
  }

  public CloudHubSettingsBuilder credentialPollInterval(Duration value) {
    credentialPollInterval = value;
    return this;
  }

  public CloudHubSettingsBuilder limits(Limits value) {
    limits = value;
    return this;
  }

  public CloudHubSettingsBuilder joinTokenFile(Path value) {
    joinTokenFile = Optional.of(value);
    return this;
  }

  /** Makes the CloudHub a gateway in front of cloudcore's CloudHub at {@code value}. */
  public CloudHubSettingsBuilder upstream(UpstreamSettings value) {
    upstream = Optional.of(value);
    return this;
  }

  /** Admits cloudcore's certificates and join tokens until {@code value.until()}. */
  public CloudHubSettingsBuilder migration(MigrationSettings value) {
    migration = Optional.of(value);
    return this;
  }

  /** After a server certificate rotation, live sessions reconnect within {@code value}. */
  public CloudHubSettingsBuilder reconnectWindow(Duration value) {
    reconnectAfterRotation = ReconnectAfterRotation.within(value);
    return this;
  }

  public CloudHubSettings build() {
    return new CloudHubSettings(
        enable,
        keepaliveInterval,
        nodeLimit,
        caCertificateFile,
        caKeyFile,
        serverCertificateFile,
        serverKeyFile,
        writeTimeout,
        quic,
        unixsocket,
        websocket,
        https,
        advertiseAddresses,
        dnsNames,
        edgeCertSigningDuration,
        tokenRefreshDuration,
        authorization,
        joinTokenFile,
        revocation,
        admin,
        pki,
        reconnectAfterRotation,
        metrics,
        joinTokens,
        upstream,
        migration,
        stateDirectory,
        credentialPollInterval,
        limits,
        configDirectory);
  }
}
