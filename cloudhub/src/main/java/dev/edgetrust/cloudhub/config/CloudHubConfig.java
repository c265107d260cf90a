package dev.edgetrust.cloudhub.config;

import static dev.edgetrust.config.Settings.orDefault;
import static dev.edgetrust.config.Settings.positive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.cloudhub.gateway.UpstreamServer;
import dev.edgetrust.cloudhub.gateway.UpstreamSettings;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.Settings;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.PkiProviders;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code modules.cloudHub} of a KubeEdge {@code cloudcore.yaml}, with KubeEdge's names and
 * defaults. Every key KubeEdge has is accepted so that an existing file loads unchanged; keys
 * edgetrust does not act on (QUIC, the unix socket, authorization) are read and left alone.
 *
 * <p>edgetrust adds {@code joinTokenFile}: when set, the CloudHub keeps a current join token in
 * that file (mode 0600), refreshed every {@code tokenRefreshDuration}. It adds {@code revocation}
 * (how often the PKI's revocation list and blocklist are re-read, whether a stale list fails
 * closed, where the audit log and the per-node serial inventory go) and {@code admin} (the node
 * list/block/unblock API: off unless {@code admin.enable} is true), {@code metrics} (Prometheus
 * {@code /metrics}, {@code /healthz}, {@code /readyz}: off unless {@code metrics.enable} is true)
 * and {@code https.rateLimit} (a per-address request rate on the bootstrap port: on unless {@code
 * https.rateLimit.enable} is false), {@code joinTokens} ({@code shared}, the default, or {@code
 * nodeBound}: only tokens minted for one node enroll) and {@code upstream} (the CloudHub as a
 * gateway in front of cloudcore's CloudHub: off unless {@code upstream.enable} is true).
 */
public record CloudHubConfig(
    Boolean enable,
    Integer keepaliveInterval,
    Integer nodeLimit,
    String tlsCAFile,
    String tlsCAKeyFile,
    String tlsCertFile,
    String tlsPrivateKeyFile,
    Integer writeTimeout,
    Quic quic,
    UnixSocket unixsocket,
    Listener websocket,
    Https https,
    List<String> advertiseAddress,
    List<String> dnsNames,
    Integer edgeCertSigningDuration,
    Integer tokenRefreshDuration,
    JsonNode authorization,
    String joinTokenFile,
    Revocation revocation,
    Admin admin,
    JsonNode pki,
    ReconnectAfterRotation reconnectAfterRotation,
    Metrics metrics,
    String joinTokens,
    Upstream upstream,
    Migration migration) {

  public CloudHubConfig {
    enable = enable == null || enable;
    keepaliveInterval = positive("keepaliveInterval", keepaliveInterval, 30);
    nodeLimit = positive("nodeLimit", nodeLimit, 1000);
    tlsCAFile = orDefault(tlsCAFile, "/etc/kubeedge/ca/rootCA.crt");
    tlsCAKeyFile = orDefault(tlsCAKeyFile, "/etc/kubeedge/ca/rootCA.key");
    tlsCertFile = orDefault(tlsCertFile, "/etc/kubeedge/certs/server.crt");
    tlsPrivateKeyFile = orDefault(tlsPrivateKeyFile, "/etc/kubeedge/certs/server.key");
    writeTimeout = positive("writeTimeout", writeTimeout, 30);
    quic = quic == null ? new Quic(false, null, null, null) : quic;
    unixsocket = unixsocket == null ? new UnixSocket(null, null) : unixsocket;
    websocket =
        websocket == null
            ? Listener.defaults("websocket", 10000)
            : websocket.withDefaults("websocket", 10000);
    https = https == null ? new Https(null, null, null, null).withDefaults() : https.withDefaults();
    advertiseAddress =
        advertiseAddress == null || advertiseAddress.isEmpty()
            ? List.of("127.0.0.1")
            : List.copyOf(advertiseAddress);
    dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
    edgeCertSigningDuration = positive("edgeCertSigningDuration", edgeCertSigningDuration, 365);
    tokenRefreshDuration = positive("tokenRefreshDuration", tokenRefreshDuration, 12);
    for (String a : advertiseAddress) {
      if (!isIpLiteral(a)) {
        throw new IllegalArgumentException(
            "'advertiseAddress' entry '"
                + a
                + "' is not an IP address (put host names in 'dnsNames')");
      }
    }
    revocation = revocation == null ? new Revocation(null, null, null, null, null) : revocation;
    admin = admin == null ? new Admin(null, null, null, null, null, null) : admin;
    // Which PKI, and its section: read by PkiProviders and the provider's factory, not here.
    reconnectAfterRotation =
        reconnectAfterRotation == null
            ? new ReconnectAfterRotation(false, null)
            : reconnectAfterRotation;
    metrics = metrics == null ? new Metrics(null, null, null) : metrics;
    joinTokens =
        joinTokens == null || joinTokens.isBlank()
            ? CloudHubSettings.JoinTokens.SHARED.configValue()
            : CloudHubSettings.JoinTokens.parse(joinTokens).configValue();
    upstream = upstream == null ? Upstream.OFF : upstream;
    migration = migration == null ? new Migration(null, null) : migration;
    if (quic.enable()) {
      throw new IllegalArgumentException(
          "'quic.enable' is true, but edgetrust serves WebSocket only; set it to false");
    }
  }

  /** KubeEdge's QUIC listener; read for compatibility, must stay disabled. */
  public record Quic(Boolean enable, String address, Integer port, Integer maxIncomingStreams) {
    public Quic {
      enable = enable != null && enable;
    }
  }

  /**
   * {@code revocation}: {@code refreshInterval} (seconds, 10), {@code failClosed} (true), {@code
   * auditFile} and {@code inventoryFile} (default: {@code audit.log}, {@code node-serials.json}
   * beside {@code tlsCAKeyFile}), {@code localListFile} (default {@code cloudhub-blocks.json}
   * beside them: the nodes and serials the CloudHub refuses itself because its PKI cannot block or
   * revoke).
   */
  public record Revocation(
      Integer refreshInterval,
      Boolean failClosed,
      String auditFile,
      String inventoryFile,
      String localListFile) {
    public Revocation {
      refreshInterval = positive("refreshInterval", refreshInterval, 10);
      failClosed = failClosed == null || failClosed;
    }
  }

  /**
   * {@code admin}: {@code enable} (false), {@code address} (127.0.0.1), {@code port} (10004),
   * {@code tokenFile} (bearer token), {@code clientCAFile} (CA of admin client certificates),
   * {@code serverCertFile} (the admin API's own server certificate, made at first start and pinned
   * by the CLI; default {@code admin/server.crt} beside {@code tlsCAKeyFile}, key beside it).
   */
  public record Admin(
      Boolean enable,
      String address,
      Integer port,
      String tokenFile,
      String clientCAFile,
      String serverCertFile) {
    public Admin {
      enable = enable != null && enable;
      address = orDefault(address, "127.0.0.1");
      port = Settings.port("port", port, 10004);
      if (!isIpLiteral(address)) {
        throw new IllegalArgumentException("'address' '" + address + "' is not an IP address");
      }
      if (enable
          && (tokenFile == null || tokenFile.isBlank())
          && (clientCAFile == null || clientCAFile.isBlank())) {
        throw new IllegalArgumentException(
            "'enable' is true but neither 'tokenFile' nor 'clientCAFile' is set: "
                + "nothing could authenticate to the admin API");
      }
    }
  }

  /**
   * {@code metrics}: {@code enable} (false), {@code address} (127.0.0.1), {@code port} (10008).
   *
   * <p>10008 because KubeEdge's CloudCore holds 10000-10004 (websocket, QUIC, HTTPS bootstrap,
   * cloudStream, tunnel; edgetrust's admin API sits on 10004 too) and its edgecore 10350/10550; the
   * 909x ports are Prometheus's own (9091 is both the Pushgateway and CloudCore's monitor server).
   * 10008 keeps clear of all of them and leaves 10005-10007 to KubeEdge should its block grow; the
   * edge's metrics port is 10009, so that one host can run both.
   *
   * <p>The endpoint is unauthenticated plain HTTP, so it listens on loopback unless an address is
   * written here: writing one is the opt-in (in a pod, {@code 0.0.0.0} for the scraper and probes).
   */
  public record Metrics(Boolean enable, String address, Integer port) {
    public static final int DEFAULT_PORT = 10008;

    public Metrics {
      enable = enable != null && enable;
      address = orDefault(address, "127.0.0.1").strip();
      port = Settings.port("port", port, DEFAULT_PORT);
      if (!isIpLiteral(address)) {
        throw new IllegalArgumentException("'address' '" + address + "' is not an IP address");
      }
    }
  }

  /**
   * edgetrust: {@code upstream}, the CloudHub as a gateway in front of cloudcore's CloudHub. {@code
   * enable} (false), {@code server} (cloudcore's {@code host:port}), {@code caFile} (cloudcore's
   * CA), {@code certFile}/{@code keyFile} (the gateway's client certificate from cloudcore's CA),
   * {@code dialTimeout} (10s), {@code maxBufferedBytes} (8 MiB, per session and direction, at least
   * 4 MiB), {@code dialBackoff} (1s) and {@code maxDialBackoff} (30s).
   */
  public record Upstream(
      Boolean enable,
      String server,
      String caFile,
      String certFile,
      String keyFile,
      String dialTimeout,
      Integer maxBufferedBytes,
      String dialBackoff,
      String maxDialBackoff) {
    static final Upstream OFF = new Upstream(false, null, null, null, null, null, null, null, null);

    public Upstream {
      enable = enable != null && enable;
      if (enable) {
        required("server", server);
        required("caFile", caFile);
        required("certFile", certFile);
        required("keyFile", keyFile);
      }
      // Checked whether on or off, so that a mistake is reported before the day it is turned on.
      // (A compact constructor's fields are not set yet: the method gets the values, not 'this'.)
      settings(
          Path.of("ca"),
          Path.of("cert"),
          Path.of("key"),
          server,
          dialTimeout,
          maxBufferedBytes,
          dialBackoff,
          maxDialBackoff);
    }

    private static void required(String key, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("'" + key + "' is required when 'enable' is true");
      }
    }

    private static UpstreamSettings settings(
        Path ca,
        Path cert,
        Path key,
        String server,
        String dialTimeout,
        Integer maxBufferedBytes,
        String dialBackoff,
        String maxDialBackoff) {
      UpstreamServer at;
      try {
        at = UpstreamServer.parse(server == null || server.isBlank() ? "localhost:10000" : server);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'server' " + e.getMessage());
      }
      return new UpstreamSettings(
          at,
          ca,
          cert,
          key,
          Settings.duration("dialTimeout", dialTimeout, UpstreamSettings.DEFAULT_DIAL_TIMEOUT),
          maxBufferedBytes == null ? UpstreamSettings.DEFAULT_MAX_BUFFERED_BYTES : maxBufferedBytes,
          Settings.duration("dialBackoff", dialBackoff, UpstreamSettings.DEFAULT_DIAL_BACKOFF),
          Settings.duration(
              "maxDialBackoff", maxDialBackoff, UpstreamSettings.DEFAULT_MAX_DIAL_BACKOFF));
    }

    /** The gateway settings with paths resolved against {@code base}; empty while off. */
    Optional<UpstreamSettings> resolve(Path base) {
      if (!enable) {
        return Optional.empty();
      }
      return Optional.of(
          settings(
              Settings.resolve(base, caFile),
              Settings.resolve(base, certFile),
              Settings.resolve(base, keyFile),
              server,
              dialTimeout,
              maxBufferedBytes,
              dialBackoff,
              maxDialBackoff));
    }
  }

  /** KubeEdge's unix socket listener (local debugging); read for compatibility and not served. */
  public record UnixSocket(Boolean enable, String address) {}

  /** An {@code enable}/{@code address}/{@code port} listener section. */
  public record Listener(Boolean enable, String address, Integer port) {
    static Listener defaults(String name, int defaultPort) {
      return new Listener(true, "0.0.0.0", defaultPort);
    }

    Listener withDefaults(String name, int defaultPort) {
      int p = Settings.port(name + ".port", port, defaultPort);
      String a = orDefault(address, "0.0.0.0");
      if (!isIpLiteral(a)) {
        throw new IllegalArgumentException(
            "'" + name + ".address' '" + a + "' is not an IP address");
      }
      return new Listener(enable == null || enable, a, p);
    }
  }

  /**
   * The bootstrap listener: KubeEdge's {@code enable}/{@code address}/{@code port}, and edgetrust's
   * {@code rateLimit}.
   */
  public record Https(Boolean enable, String address, Integer port, RateLimit rateLimit) {
    Https withDefaults() {
      Listener l = new Listener(enable, address, port).withDefaults("https", 10002);
      return new Https(
          l.enable(), l.address(), l.port(), rateLimit == null ? RateLimit.DEFAULT : rateLimit);
    }
  }

  /**
   * {@code https.rateLimit}: {@code enable} (true), {@code perAddressQPS} (10), {@code burst} (50),
   * {@code maxAddresses} (10000), {@code enrollmentsPerMinute} (60), {@code enrollmentBurst} (20).
   * On when the key is absent: without it one token holder can mint a name per request. Requests as
   * a whole are limited generously (a site behind one NAT address renews and fetches {@code
   * /ca.crt} at once after an outage); token enrollments, the only requests that create a name,
   * more tightly. A refused node backs off and comes again.
   */
  public record RateLimit(
      Boolean enable,
      Double perAddressQPS,
      Integer burst,
      Integer maxAddresses,
      Double enrollmentsPerMinute,
      Integer enrollmentBurst) {
    static final RateLimit DEFAULT = new RateLimit(true, null, null, null, null, null);

    public RateLimit {
      enable = enable == null || enable;
      CloudHubSettings.BootstrapRateLimit d = CloudHubSettings.BootstrapRateLimit.DEFAULT;
      perAddressQPS = perAddressQPS == null ? d.perAddressQps() : perAddressQPS;
      if (!(perAddressQPS > 0) || perAddressQPS > 1_000_000) {
        throw new IllegalArgumentException(
            "'perAddressQPS' must be a number of requests a second above 0 (and at most 1000000), was "
                + perAddressQPS);
      }
      enrollmentsPerMinute =
          enrollmentsPerMinute == null ? d.enrollmentsPerMinute() : enrollmentsPerMinute;
      if (!(enrollmentsPerMinute > 0) || enrollmentsPerMinute > 60_000_000) {
        throw new IllegalArgumentException(
            "'enrollmentsPerMinute' must be a number of token enrollments a minute above 0 (and at most 60000000), was "
                + enrollmentsPerMinute);
      }
      burst = positive("burst", burst, d.burst());
      maxAddresses = positive("maxAddresses", maxAddresses, d.maxAddresses());
      enrollmentBurst = positive("enrollmentBurst", enrollmentBurst, d.enrollmentBurst());
    }

    CloudHubSettings.BootstrapRateLimit settings() {
      return enable
          ? new CloudHubSettings.BootstrapRateLimit(
              perAddressQPS, burst, maxAddresses, enrollmentsPerMinute, enrollmentBurst)
          : null;
    }
  }

  static boolean isIpLiteral(String s) {
    return io.netty.util.NetUtil.isValidIpV4Address(s)
        || io.netty.util.NetUtil.isValidIpV6Address(s);
  }

  /**
   * Loads {@code modules.cloudHub} from a {@code cloudcore.yaml}.
   *
   * @throws ConfigException naming the file and key of the first problem
   */
  public static CloudHubSettings load(Path file) throws ConfigException {
    return loadAll(file).hub();
  }

  /**
   * {@code modules.cloudHub} with the PKI its {@code pki} section selects, which the CloudHub
   * itself does not use: whoever starts it makes the provider with {@link
   * PkiProviderFactory#cloud}({@link #pkiContext}).
   *
   * @param pki the PKI {@code pki.provider} names (the built-in CA when absent), found by name
   * @param yaml the file, for the provider's own section {@code modules.cloudHub.pki.NAME}
   */
  public record Loaded(CloudHubSettings hub, PkiProviderFactory pki, YamlConfig yaml) {
    public Path file() {
      return yaml.file();
    }

    /**
     * What the provider's factory gets: the file, its section, the CloudHub's CA and server files.
     */
    public CloudPkiContext pkiContext(Clock clock) {
      return CloudPkiContext.builder(yaml, pki.name())
          .caFiles(hub.caCertificateFile(), hub.caKeyFile())
          .serverFiles(hub.serverCertificateFile(), hub.serverKeyFile())
          .joinTokens(Optional.ofNullable(hub.joinTokenFile()), hub.tokenRefreshDuration())
          .clock(clock)
          .build();
    }
  }

  /**
   * Loads {@code modules.cloudHub} and finds the PKI {@code pki.provider} names among the {@link
   * PkiProviders#installed()} ones.
   *
   * @throws ConfigException naming the file and key of the first problem; an unknown provider's
   *     message lists the known ones
   */
  public static Loaded loadAll(Path file) throws ConfigException {
    return loadAll(file, PkiProviders.installed());
  }

  public static Loaded loadAll(Path file, PkiProviders providers) throws ConfigException {
    YamlConfig yaml = YamlConfig.read(file);
    CloudHubConfig config = yaml.section("modules.cloudHub", CloudHubConfig.class);
    CloudHubSettings hub = config.resolve(yaml.baseDirectory(), file);
    return new Loaded(hub, providers.cloudProvider(yaml), yaml);
  }

  /** This configuration with paths resolved against {@code base} and durations typed. */
  public CloudHubSettings resolve(Path base, Path source) throws ConfigException {
    List<InetAddress> ips = new ArrayList<>();
    for (String a : advertiseAddress) {
      try {
        ips.add(InetAddress.getByName(a));
      } catch (UnknownHostException e) {
        throw new ConfigException(
            source
                + ": 'modules.cloudHub.advertiseAddress' entry '"
                + a
                + "' is not an IP address");
      }
    }
    Path caKey = Settings.resolve(base, tlsCAKeyFile);
    Path stateDir = CloudHubSettings.stateDirectory(caKey, Settings.resolve(base, tlsCAFile));
    return new CloudHubSettings(
        Settings.resolve(base, tlsCAFile),
        Settings.resolve(base, tlsCAKeyFile),
        Settings.resolve(base, tlsCertFile),
        Settings.resolve(base, tlsPrivateKeyFile),
        websocket.enable() ? websocket.address() : null,
        websocket.port(),
        https.enable() ? https.address() : null,
        https.port(),
        ips,
        dnsNames,
        Duration.ofSeconds(keepaliveInterval),
        Duration.ofSeconds(writeTimeout),
        nodeLimit,
        Duration.ofDays(edgeCertSigningDuration),
        Duration.ofHours(tokenRefreshDuration),
        joinTokenFile == null || joinTokenFile.isBlank()
            ? null
            : Settings.resolve(base, joinTokenFile),
        Duration.ofSeconds(10),
        new CloudHubSettings.Revocation(
            Duration.ofSeconds(revocation.refreshInterval()),
            revocation.failClosed(),
            revocation.auditFile() == null || revocation.auditFile().isBlank()
                ? stateDir.resolve("audit.log")
                : Settings.resolve(base, revocation.auditFile()),
            revocation.inventoryFile() == null || revocation.inventoryFile().isBlank()
                ? stateDir.resolve("node-serials.json")
                : Settings.resolve(base, revocation.inventoryFile()),
            revocation.localListFile() == null || revocation.localListFile().isBlank()
                ? stateDir.resolve(CloudHubSettings.Revocation.LOCAL_LIST_FILE)
                : Settings.resolve(base, revocation.localListFile())),
        admin.enable()
            ? new CloudHubSettings.Admin(
                admin.address(),
                admin.port(),
                blankOrResolve(base, admin.tokenFile()),
                blankOrResolve(base, admin.clientCAFile()),
                admin.serverCertFile() == null || admin.serverCertFile().isBlank()
                    ? CloudHubSettings.Admin.defaultServerCertificateFile(stateDir)
                    : Settings.resolve(base, admin.serverCertFile()))
            : CloudHubSettings.Admin.OFF,
        reconnectAfterRotation.enable() ? reconnectAfterRotation.windowDuration() : null,
        metrics.enable()
            ? new CloudHubSettings.Metrics(metrics.address(), metrics.port())
            : CloudHubSettings.Metrics.OFF,
        CloudHubSettings.Limits.DEFAULTS.withBootstrapRateLimit(https.rateLimit().settings()),
        CloudHubSettings.JoinTokens.parse(joinTokens),
        upstream.resolve(base),
        migration.settings());
  }

  /**
   * edgetrust: {@code migration: {enable, until}} (off by default) admits cloudcore's node
   * certificates and join tokens until {@code until} (a date, {@code 2027-03-01}, meaning its start
   * in UTC, or an instant, {@code 2027-03-01T12:00:00Z}). Required when enabled: a migration that
   * never ends would leave unbound certificates admitted for good.
   */
  public record Migration(Boolean enable, String until) {
    public Migration {
      enable = enable != null && enable;
      if (enable) {
        untilInstant(until);
      }
    }

    Optional<CloudHubSettings.Migration> settings() {
      return enable
          ? Optional.of(new CloudHubSettings.Migration(untilInstant(until)))
          : Optional.empty();
    }

    private static java.time.Instant untilInstant(String until) {
      if (until == null || until.isBlank()) {
        throw new IllegalArgumentException(
            "'migration.until' is required when 'migration.enable' is true: the date after which"
                + " cloudcore's node certificates are refused, e.g. until: 2027-03-01");
      }
      try {
        return until.contains("T")
            ? java.time.Instant.parse(until)
            : java.time.LocalDate.parse(until).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'migration.until' is '"
                + until
                + "', not a date (2027-03-01) or an instant (2027-03-01T12:00:00Z)");
      }
    }
  }

  /**
   * edgetrust: after the server certificate is replaced, make live sessions reconnect so every node
   * verifies the new one, spread over {@code window} so they do not all return at once. Off by
   * default: sessions simply stay on the certificate they started with.
   */
  public record ReconnectAfterRotation(Boolean enable, String window) {
    public ReconnectAfterRotation {
      enable = enable != null && enable;
      Settings.duration("window", window, Duration.ofMinutes(5));
    }

    Duration windowDuration() {
      return Settings.duration("window", window, Duration.ofMinutes(5));
    }
  }

  private static Path blankOrResolve(Path base, String path) {
    return path == null || path.isBlank() ? null : Settings.resolve(base, path);
  }
}
