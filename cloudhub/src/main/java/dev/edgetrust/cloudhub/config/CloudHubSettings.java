package dev.edgetrust.cloudhub.config;

import static dev.edgetrust.config.Settings.positive;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.WholeUnits;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.pki.PkiProviders;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code modules.cloudHub} of a KubeEdge {@code cloudcore.yaml}, bound from the file as it is, with
 * KubeEdge's names and defaults: what a running CloudHub needs, typed and resolved (paths absolute,
 * durations as durations, port 0 meaning "any free port"). Every key KubeEdge has is accepted so
 * that an existing file loads unchanged; keys edgetrust does not act on (QUIC, the unix socket,
 * authorization) are read and left alone ({@link KubeEdgeOnly}). Built in code with {@link
 * #loopback} and {@link #toBuilder()}.
 *
 * <p>edgetrust adds {@code joinTokenFile}: when set, the CloudHub keeps a current join token in
 * that file (mode 0600), refreshed every {@code tokenRefreshDuration}. It adds {@code revocation}
 * (how often the PKI's revocation list and blocklist are re-read, whether a stale list fails
 * closed, where the audit log and the per-node serial inventory go) and {@code admin} (the node
 * list/block/unblock API: off unless {@code admin.enable} is true), {@code metrics} (Prometheus
 * {@code /metrics}, {@code /healthz}, {@code /readyz}: off unless {@code metrics.enable} is true)
 * and {@code https.rateLimit} (a per-address request rate on the bootstrap port: on unless {@code
 * https.rateLimit.enable} is false), {@code joinTokens} ({@code shared}, the default, or {@code
 * nodeBound}: only tokens minted for one node enroll), {@code migration} (cloudcore's certificates
 * and tokens admitted until a date), {@code upstream} (the CloudHub as a gateway in front of
 * cloudcore's CloudHub: off unless {@code upstream.enable} is true), {@code reconnectAfterRotation}
 * and {@code stateDirectory} (where the CloudHub's own files go when their keys are not written).
 *
 * @param caCertificateFile {@code tlsCAFile}
 * @param caKeyFile {@code tlsCAKeyFile}: the built-in CA's key (unused by another PKI)
 * @param serverCertificateFile {@code tlsCertFile}
 * @param serverKeyFile {@code tlsPrivateKeyFile}
 * @param websocket the nodes' WebSocket listener
 * @param https the bootstrap listener ({@code /ca.crt}, {@code /edge.crt}) and its rate limit
 * @param advertiseAddresses the IP addresses the server certificate names (the key is singular in
 *     the file, as in KubeEdge's)
 * @param dnsNames the DNS names the server certificate names; empty entries (as {@code cloudcore
 *     --defaultconfig} prints) are dropped
 * @param edgeCertSigningDuration lifetime of node certificates the built-in CA signs (whole days)
 * @param tokenRefreshDuration a join token is refreshed this often and valid for twice as long
 *     (whole hours)
 * @param joinTokenFile where to keep the current join token
 * @param pki which PKI, and its section: read by {@link PkiProviders} and the provider's factory
 * @param upstream cloudcore's CloudHub, when this CloudHub is a gateway in front of it: every
 *     admitted session is relayed there. Empty (the default): a standalone CloudHub
 * @param migration cloudcore's node certificates and join tokens admitted until a date, while a
 *     fleet moves over; empty (the default): off
 * @param stateDirectory where the audit log, {@code node-serials.json}, {@code
 *     cloudhub-blocks.json} and the admin API's certificate go unless their own keys say otherwise:
 *     by default the built-in CA's key directory (KubeEdge's {@code /etc/kubeedge/ca}), and with
 *     another PKI, which has no key there, the configuration file's directory
 * @param credentialPollInterval not in the file: how often the server certificate and CA files are
 *     checked for changes when the file system sends no event (they are watched as well), 10 s
 * @param limits not in the file: what a slow client may take
 * @param configDirectory not in the file: the directory of the file it was read from (where
 *     relative paths and another PKI's state go)
 */
public record CloudHubSettings(
    Boolean enable,
    @JsonDeserialize(using = WholeUnits.Seconds.class) Duration keepaliveInterval,
    Integer nodeLimit,
    @JsonProperty("tlsCAFile") Path caCertificateFile,
    @JsonProperty("tlsCAKeyFile") Path caKeyFile,
    @JsonProperty("tlsCertFile") Path serverCertificateFile,
    @JsonProperty("tlsPrivateKeyFile") Path serverKeyFile,
    @JsonDeserialize(using = WholeUnits.Seconds.class) Duration writeTimeout,
    KubeEdgeOnly.Quic quic,
    KubeEdgeOnly.UnixSocket unixsocket,
    ListenerSettings websocket,
    HttpsSettings https,
    @JsonProperty("advertiseAddress") @JsonDeserialize(contentUsing = AdvertiseAddress.class)
        List<InetAddress> advertiseAddresses,
    List<String> dnsNames,
    @JsonDeserialize(using = WholeUnits.Days.class) Duration edgeCertSigningDuration,
    @JsonDeserialize(using = WholeUnits.Hours.class) Duration tokenRefreshDuration,
    JsonNode authorization,
    Optional<Path> joinTokenFile,
    RevocationSettings revocation,
    AdminSettings admin,
    JsonNode pki,
    ReconnectAfterRotation reconnectAfterRotation,
    MetricsSettings metrics,
    JoinTokens joinTokens,
    Optional<UpstreamSettings> upstream,
    Optional<MigrationSettings> migration,
    Path stateDirectory,
    @JsonIgnore Duration credentialPollInterval,
    @JsonIgnore Limits limits,
    @JsonIgnore @JacksonInject(value = YamlConfig.CONFIG_DIRECTORY, useInput = OptBoolean.FALSE)
        Path configDirectory) {

  private static final InetAddress LOOPBACK = loopbackV4();

  public CloudHubSettings {
    enable = enable == null || enable;
    keepaliveInterval = Objects.requireNonNullElse(keepaliveInterval, Duration.ofSeconds(30));
    nodeLimit = positive("nodeLimit", nodeLimit, 1000);
    caCertificateFile =
        Objects.requireNonNullElse(caCertificateFile, Path.of("/etc/kubeedge/ca/rootCA.crt"));
    caKeyFile = Objects.requireNonNullElse(caKeyFile, Path.of("/etc/kubeedge/ca/rootCA.key"));
    serverCertificateFile =
        Objects.requireNonNullElse(
            serverCertificateFile, Path.of("/etc/kubeedge/certs/server.crt"));
    serverKeyFile =
        Objects.requireNonNullElse(serverKeyFile, Path.of("/etc/kubeedge/certs/server.key"));
    writeTimeout = Objects.requireNonNullElse(writeTimeout, Duration.ofSeconds(30));
    quic = Objects.requireNonNullElse(quic, new KubeEdgeOnly.Quic(null, null, null, null));
    unixsocket = Objects.requireNonNullElse(unixsocket, new KubeEdgeOnly.UnixSocket(null, null));
    websocket = Objects.requireNonNullElse(websocket, new ListenerSettings(null, null, null));
    https = Objects.requireNonNullElse(https, new HttpsSettings(null, null, null, null));
    advertiseAddresses =
        advertiseAddresses == null
            ? List.of()
            : advertiseAddresses.stream().filter(Objects::nonNull).toList();
    if (advertiseAddresses.isEmpty()) {
      advertiseAddresses = List.of(LOOPBACK);
    }
    // cloudcore --defaultconfig prints dnsNames: [""]: KubeEdge skips it, and so does edgetrust.
    dnsNames =
        dnsNames == null
            ? List.of()
            : dnsNames.stream().filter(n -> n != null && !n.isBlank()).map(String::strip).toList();
    edgeCertSigningDuration =
        Objects.requireNonNullElse(edgeCertSigningDuration, Duration.ofDays(365));
    tokenRefreshDuration = Objects.requireNonNullElse(tokenRefreshDuration, Duration.ofHours(12));
    joinTokenFile = Objects.requireNonNullElse(joinTokenFile, Optional.empty());
    reconnectAfterRotation =
        Objects.requireNonNullElse(reconnectAfterRotation, ReconnectAfterRotation.OFF);
    metrics = Objects.requireNonNullElse(metrics, MetricsSettings.OFF);
    joinTokens = Objects.requireNonNullElse(joinTokens, JoinTokens.SHARED);
    upstream = upstream == null ? Optional.empty() : upstream.filter(UpstreamSettings::enable);
    migration = migration == null ? Optional.empty() : migration.filter(MigrationSettings::enable);
    credentialPollInterval =
        Objects.requireNonNullElse(credentialPollInterval, Duration.ofSeconds(10));
    limits = Objects.requireNonNullElse(limits, Limits.DEFAULTS);
    configDirectory =
        Objects.requireNonNullElse(configDirectory, Path.of("").toAbsolutePath()).toAbsolutePath();
    stateDirectory =
        Objects.requireNonNullElse(
            stateDirectory, builtinCa(pki) ? parentOf(caKeyFile) : configDirectory);
    revocation =
        Objects.requireNonNullElse(revocation, new RevocationSettings(null, null, null, null, null))
            .withDefaultsIn(stateDirectory);
    admin = Objects.requireNonNullElse(admin, AdminSettings.OFF).withDefaultsIn(stateDirectory);
  }

  /** The reconnect window after a server certificate rotation; empty: sessions stay. */
  public Optional<Duration> reconnectWindow() {
    return reconnectAfterRotation.reconnectWindow();
  }

  /**
   * KubeEdge features this file enables that edgetrust does not serve (QUIC is refused at load):
   * the CloudHub names them in one WARN line at start.
   */
  public List<String> enabledButNotServed() {
    return unixsocket.enable() ? List.of("unixsocket") : List.of();
  }

  /**
   * Whether the built-in CA is the PKI: its key directory is then KubeEdge's state directory. With
   * another PKI the default key path names a directory nothing else uses, often not writable.
   */
  private static boolean builtinCa(JsonNode pki) {
    JsonNode provider = pki == null ? null : pki.get("provider");
    if (provider == null && pki != null) {
      // Keys match case-insensitively, as YamlConfig binds them.
      for (var e : pki.properties()) {
        if (e.getKey().equalsIgnoreCase("provider")) {
          provider = e.getValue();
        }
      }
    }
    return provider == null
        || provider.isNull()
        || provider.asText().isBlank()
        || provider.asText().strip().equalsIgnoreCase(PkiProviders.DEFAULT);
  }

  private static InetAddress loopbackV4() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("four bytes are an IPv4 address", e);
    }
  }

  private static Path parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of("").toAbsolutePath() : parent;
  }

  /**
   * Loopback settings with every file under {@code dir} and ephemeral ports: for tests and the
   * demo.
   */
  public static CloudHubSettings loopback(Path dir) {
    return new CloudHubSettingsBuilder(dir)
        .caCertificateFile(dir.resolve("ca/rootCA.crt"))
        .caKeyFile(dir.resolve("ca/rootCA.key"))
        .serverCertificateFile(dir.resolve("certs/server.crt"))
        .serverKeyFile(dir.resolve("certs/server.key"))
        .websocket(ListenerSettings.on("127.0.0.1", 0))
        .https(HttpsSettings.on("127.0.0.1", 0))
        .advertiseAddresses(List.of(LOOPBACK))
        .dnsNames(List.of("localhost"))
        .build();
  }

  /** A builder holding these settings, to change a few of them. */
  public CloudHubSettingsBuilder toBuilder() {
    return new CloudHubSettingsBuilder(this);
  }
}
