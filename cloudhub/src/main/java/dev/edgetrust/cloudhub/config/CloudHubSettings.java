package dev.edgetrust.cloudhub.config;

import dev.edgetrust.cloudhub.gateway.UpstreamSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a running CloudHub needs, typed and resolved: paths absolute, durations as durations, a
 * listener address of {@code null} meaning that listener is off, port 0 meaning "any free port".
 *
 * @param edgeCertSigningDuration lifetime of node certificates the built-in CA signs
 * @param tokenRefreshDuration a join token is refreshed this often and valid for twice as long
 * @param joinTokenFile where to keep the current join token, or {@code null}
 * @param credentialPollInterval how often the server certificate and CA files are checked for
 *     changes when the file system sends no event (they are watched as well)
 * @param revocation how revocation and blocks are checked and recorded
 * @param admin the admin API (node list/block/unblock); off unless configured
 * @param reconnectWindow after the server certificate is replaced, close every live session at a
 *     random moment within this window so nodes reconnect and verify the new one; {@code null}:
 *     sessions stay (the default)
 * @param metrics the Prometheus metrics and health listener; off unless configured
 * @param limits time limits against slow clients and the bootstrap's per-address rate limit
 * @param joinTokens which join tokens {@code /edge.crt} accepts
 * @param upstream cloudcore's CloudHub, when this CloudHub is a gateway in front of it: every
 *     admitted session is relayed there. Empty (the default): a standalone CloudHub
 */
public record CloudHubSettings(
    Path caCertificateFile,
    Path caKeyFile,
    Path serverCertificateFile,
    Path serverKeyFile,
    String websocketAddress,
    int websocketPort,
    String httpsAddress,
    int httpsPort,
    List<InetAddress> advertiseAddresses,
    List<String> dnsNames,
    Duration keepaliveInterval,
    Duration writeTimeout,
    int nodeLimit,
    Duration edgeCertSigningDuration,
    Duration tokenRefreshDuration,
    Path joinTokenFile,
    Duration credentialPollInterval,
    Revocation revocation,
    Admin admin,
    Duration reconnectWindow,
    Metrics metrics,
    Limits limits,
    JoinTokens joinTokens,
    Optional<UpstreamSettings> upstream,
    Optional<Migration> migration) {

  /**
   * Migration from cloudcore ({@code modules.cloudHub.migration}): node certificates cloudcore
   * issued (same CA, no node in them) are admitted, each bound to its node on first use, and
   * cloudcore's join tokens enroll, until {@code until}.
   */
  public record Migration(java.time.Instant until) {
    public Migration {
      Objects.requireNonNull(until, "until");
    }
  }

  public CloudHubSettings {
    migration = migration == null ? Optional.empty() : migration;
    joinTokens = joinTokens == null ? JoinTokens.SHARED : joinTokens;
    upstream = upstream == null ? Optional.empty() : upstream;
    metrics = metrics == null ? Metrics.OFF : metrics;
    Objects.requireNonNull(caCertificateFile, "caCertificateFile");
    Objects.requireNonNull(serverCertificateFile, "serverCertificateFile");
    Objects.requireNonNull(serverKeyFile, "serverKeyFile");
    advertiseAddresses = List.copyOf(advertiseAddresses);
    dnsNames = List.copyOf(dnsNames);
    revocation =
        revocation == null
            ? Revocation.defaults(stateDirectory(caKeyFile, caCertificateFile))
            : revocation;
    admin = admin == null ? Admin.OFF : admin;
    limits = limits == null ? Limits.DEFAULTS : limits;
  }

  /**
   * What a slow or greedy client may take.
   *
   * @param tlsHandshakeTimeout a TLS handshake not done by then is abandoned (Netty's default, 10
   *     s)
   * @param requestTimeout a bootstrap request, or the WebSocket upgrade, not complete this long
   *     after the connection opened (or after the previous answer) is cut off: 30 s
   * @param bootstrapRateLimit requests per address on the bootstrap port ({@link
   *     BootstrapRateLimit#DEFAULT}), or {@code null}: no limit (only for tests and benchmarks that
   *     flood from one address on purpose: {@link #withoutBootstrapRateLimit()})
   */
  public record Limits(
      Duration tlsHandshakeTimeout,
      Duration requestTimeout,
      BootstrapRateLimit bootstrapRateLimit) {
    public static final Limits DEFAULTS =
        new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), BootstrapRateLimit.DEFAULT);

    public Limits {
      requirePositive("tlsHandshakeTimeout", tlsHandshakeTimeout);
      requirePositive("requestTimeout", requestTimeout);
    }

    public Limits withTlsHandshakeTimeout(Duration value) {
      return new Limits(value, requestTimeout, bootstrapRateLimit);
    }

    public Limits withRequestTimeout(Duration value) {
      return new Limits(tlsHandshakeTimeout, value, bootstrapRateLimit);
    }

    public Limits withBootstrapRateLimit(BootstrapRateLimit value) {
      return new Limits(tlsHandshakeTimeout, requestTimeout, value);
    }

    /** No limit at all: a load test that drives hundreds of nodes from 127.0.0.1. */
    public Limits withoutBootstrapRateLimit() {
      return new Limits(tlsHandshakeTimeout, requestTimeout, null);
    }

    private static void requirePositive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }

  /**
   * Token buckets per client address on the bootstrap port ({@code /ca.crt}, {@code /edge.crt}):
   * one for every request, and a tighter one for token enrollments (a request with an {@code
   * Authorization} header), the only requests that create a name. Renewals are authenticated by a
   * valid node certificate and can only renew that node, so they share the generous bucket.
   *
   * @param perAddressQps sustained requests a second from one address (an IPv6 /64 counts as one)
   * @param burst requests one address may make at once
   * @param maxAddresses how many addresses are remembered at most (least recently seen forgotten)
   * @param enrollmentsPerMinute sustained token enrollments a minute from one address
   * @param enrollmentBurst token enrollments one address may make at once
   */
  public record BootstrapRateLimit(
      double perAddressQps,
      int burst,
      int maxAddresses,
      double enrollmentsPerMinute,
      int enrollmentBurst) {
    /**
     * On unless turned off: 10 requests/s (burst 50) per address, and of those 60 token enrollments
     * a minute (burst 20). The README's configuration table says why these numbers.
     */
    public static final BootstrapRateLimit DEFAULT = new BootstrapRateLimit(10, 50, 10_000, 60, 20);

    public BootstrapRateLimit {
      if (!(perAddressQps > 0) || Double.isInfinite(perAddressQps)) {
        throw new IllegalArgumentException(
            "perAddressQps must be a positive number, was " + perAddressQps);
      }
      if (!(enrollmentsPerMinute > 0) || Double.isInfinite(enrollmentsPerMinute)) {
        throw new IllegalArgumentException(
            "enrollmentsPerMinute must be a positive number, was " + enrollmentsPerMinute);
      }
      if (burst < 1 || maxAddresses < 1 || enrollmentBurst < 1) {
        throw new IllegalArgumentException(
            "burst, maxAddresses and enrollmentBurst must be at least 1, were "
                + burst
                + ", "
                + maxAddresses
                + ", "
                + enrollmentBurst);
      }
    }

    /** One bucket for every request: enrollments are held to the same rate, no tighter. */
    public BootstrapRateLimit(double perAddressQps, int burst, int maxAddresses) {
      this(perAddressQps, burst, maxAddresses, perAddressQps * 60, burst);
    }
  }

  /**
   * Which join tokens enroll a node at {@code /edge.crt} ({@code modules.cloudHub.joinTokens}).
   * Either way a token never takes over a name that holds a valid certificate or a live session.
   */
  public enum JoinTokens {
    /**
     * KubeEdge's shared tokens and node-bound ones (the default: an existing fleet keeps enrolling
     * with {@code keadm gettoken}-style tokens).
     */
    SHARED("shared"),
    /** Node-bound tokens only: one name, one use. A shared token is refused. */
    NODE_BOUND("nodeBound");

    private final String configValue;

    JoinTokens(String configValue) {
      this.configValue = configValue;
    }

    /** As written in {@code cloudcore.yaml}. */
    public String configValue() {
      return configValue;
    }

    /** From {@code cloudcore.yaml}, case-insensitively as KubeEdge matches keys. */
    public static JoinTokens parse(String value) {
      for (JoinTokens t : values()) {
        if (t.configValue.equalsIgnoreCase(value.strip())) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "'joinTokens' must be shared or nodeBound, was '"
              + dev.edgetrust.text.UntrustedText.printable(value, 40)
              + "'");
    }
  }

  /** Where CA-side state lives by default: beside the CA key, or the CA certificate without one. */
  static Path stateDirectory(Path caKeyFile, Path caCertificateFile) {
    Path beside = caKeyFile != null ? caKeyFile : caCertificateFile;
    Path parent = beside.toAbsolutePath().getParent();
    return parent == null ? Path.of("").toAbsolutePath() : parent;
  }

  /**
   * Revocation checks and block bookkeeping.
   *
   * @param refreshInterval how often the PKI's revocation list and blocklist are read again (and
   *     live sessions re-checked against them)
   * @param failClosed whether, once the last good list is past its nextUpdate and no newer one can
   *     be had, every client certificate is refused (true) or the stale list keeps being used
   * @param auditFile where the audit lines go (one JSON object a line, appended)
   * @param inventoryFile where the serials seen and issued per node are kept
   * @param localListFile where the CloudHub keeps the blocked nodes and revoked serials its PKI
   *     cannot hold (a PKI without blocking or revocation); unused with one that has both
   */
  public record Revocation(
      Duration refreshInterval,
      boolean failClosed,
      Path auditFile,
      Path inventoryFile,
      Path localListFile) {
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

    /** The default name of {@code localListFile}, beside the inventory. */
    public static final String LOCAL_LIST_FILE = "cloudhub-blocks.json";

    public Revocation {
      Objects.requireNonNull(refreshInterval, "refreshInterval");
      Objects.requireNonNull(auditFile, "auditFile");
      Objects.requireNonNull(inventoryFile, "inventoryFile");
      Objects.requireNonNull(localListFile, "localListFile");
      if (refreshInterval.isNegative() || refreshInterval.isZero()) {
        throw new IllegalArgumentException(
            "refreshInterval must be positive, was " + refreshInterval);
      }
    }

    /** As above, with {@code localListFile} beside {@code inventoryFile}. */
    public Revocation(
        Duration refreshInterval, boolean failClosed, Path auditFile, Path inventoryFile) {
      this(
          refreshInterval,
          failClosed,
          auditFile,
          inventoryFile,
          inventoryFile.resolveSibling(LOCAL_LIST_FILE));
    }

    /**
     * Every 10 s, fail closed, {@code audit.log} and {@code node-serials.json} in {@code
     * stateDirectory}.
     */
    public static Revocation defaults(Path stateDirectory) {
      return new Revocation(
          DEFAULT_REFRESH_INTERVAL,
          true,
          stateDirectory.resolve("audit.log"),
          stateDirectory.resolve("node-serials.json"));
    }

    public Revocation withRefreshInterval(Duration value) {
      return new Revocation(value, failClosed, auditFile, inventoryFile, localListFile);
    }

    public Revocation withFailClosed(boolean value) {
      return new Revocation(refreshInterval, value, auditFile, inventoryFile, localListFile);
    }
  }

  /**
   * The admin API's listener, its own server identity, and how callers authenticate to it.
   *
   * @param address where it listens, or {@code null} when it is off
   * @param tokenFile a file holding the bearer token, or {@code null}
   * @param clientCaFile the CA certificates admin client certificates must chain to, or {@code
   *     null}
   * @param serverCertificateFile the admin API's own self-signed server certificate, which the
   *     CloudHub makes at first start and the CLI pins; its key is {@link #serverKeyFile()}
   */
  public record Admin(
      String address, int port, Path tokenFile, Path clientCaFile, Path serverCertificateFile) {
    public static final Admin OFF = new Admin(null, 10004, null, null, null);

    public Admin {
      if (address != null && tokenFile == null && clientCaFile == null) {
        throw new IllegalArgumentException(
            "the admin API needs a tokenFile or a clientCAFile to authenticate callers");
      }
      if (address != null && serverCertificateFile == null) {
        throw new IllegalArgumentException(
            "the admin API needs a serverCertFile for its own server certificate");
      }
    }

    public boolean enabled() {
      return address != null;
    }

    /** The admin server certificate in {@code dir}: {@code admin/server.crt}, its key beside it. */
    public static Path defaultServerCertificateFile(Path stateDirectory) {
      return stateDirectory.resolve("admin").resolve("server.crt");
    }

    /**
     * The key of {@link #serverCertificateFile()}: beside it, named like it with {@code .key} for
     * its {@code .crt}/{@code .pem} (or {@code .key} appended). One key in the configuration,
     * because the CLI needs only the certificate.
     */
    public Path serverKeyFile() {
      String name = serverCertificateFile.getFileName().toString();
      String stem =
          name.endsWith(".crt") || name.endsWith(".pem")
              ? name.substring(0, name.length() - 4)
              : name;
      return serverCertificateFile.resolveSibling(stem + ".key");
    }

    /**
     * The address the CLI dials, which the admin server certificate names: the listen address, or
     * loopback for a wildcard (nothing can dial 0.0.0.0).
     */
    public String dialAddress() {
      return switch (address) {
        case "0.0.0.0" -> "127.0.0.1";
        case "::", "0:0:0:0:0:0:0:0" -> "::1";
        default -> address;
      };
    }
  }

  /**
   * The metrics listener ({@code /metrics}, {@code /healthz}, {@code /readyz}).
   *
   * @param address where it listens, or {@code null} when it is off
   * @param port its port; 0 for any free one
   */
  public record Metrics(String address, int port) {
    public static final Metrics OFF = new Metrics(null, 10008);

    public Metrics {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("metrics port must be from 0 to 65535, was " + port);
      }
    }

    public boolean enabled() {
      return address != null;
    }
  }

  /**
   * Loopback settings with every file under {@code dir} and ephemeral ports: for tests and the
   * demo.
   */
  public static CloudHubSettings loopback(Path dir) throws java.net.UnknownHostException {
    return new CloudHubSettings(
        dir.resolve("ca/rootCA.crt"),
        dir.resolve("ca/rootCA.key"),
        dir.resolve("certs/server.crt"),
        dir.resolve("certs/server.key"),
        "127.0.0.1",
        0,
        "127.0.0.1",
        0,
        List.of(InetAddress.getByName("127.0.0.1")),
        List.of("localhost"),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        1000,
        Duration.ofDays(365),
        Duration.ofHours(12),
        null,
        Duration.ofSeconds(10),
        Revocation.defaults(dir.resolve("ca")),
        Admin.OFF,
        null,
        Metrics.OFF,
        Limits.DEFAULTS,
        JoinTokens.SHARED,
        Optional.empty(),
        Optional.empty());
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes a few settings of an existing value; every other one is kept. */
  public static final class Builder {
    private Path caCertificateFile;
    private Path caKeyFile;
    private Path serverCertificateFile;
    private Path serverKeyFile;
    private String websocketAddress;
    private int websocketPort;
    private String httpsAddress;
    private int httpsPort;
    private List<InetAddress> advertiseAddresses;
    private List<String> dnsNames;
    private Duration keepaliveInterval;
    private Duration writeTimeout;
    private int nodeLimit;
    private Duration edgeCertSigningDuration;
    private Duration tokenRefreshDuration;
    private Path joinTokenFile;
    private Duration credentialPollInterval;
    private Revocation revocation;
    private Admin admin;
    private Duration reconnectWindow;
    private Metrics metrics;
    private Limits limits;
    private JoinTokens joinTokens;
    private Optional<UpstreamSettings> upstream;
    private Optional<Migration> migration;

    private Builder(CloudHubSettings s) {
      caCertificateFile = s.caCertificateFile;
      caKeyFile = s.caKeyFile;
      serverCertificateFile = s.serverCertificateFile;
      serverKeyFile = s.serverKeyFile;
      websocketAddress = s.websocketAddress;
      websocketPort = s.websocketPort;
      httpsAddress = s.httpsAddress;
      httpsPort = s.httpsPort;
      advertiseAddresses = s.advertiseAddresses;
      dnsNames = s.dnsNames;
      keepaliveInterval = s.keepaliveInterval;
      writeTimeout = s.writeTimeout;
      nodeLimit = s.nodeLimit;
      edgeCertSigningDuration = s.edgeCertSigningDuration;
      tokenRefreshDuration = s.tokenRefreshDuration;
      joinTokenFile = s.joinTokenFile;
      credentialPollInterval = s.credentialPollInterval;
      revocation = s.revocation;
      admin = s.admin;
      reconnectWindow = s.reconnectWindow;
      metrics = s.metrics;
      limits = s.limits;
      joinTokens = s.joinTokens;
      upstream = s.upstream;
      migration = s.migration;
    }

    public Builder migration(Migration value) {
      migration = Optional.of(value);
      return this;
    }

    public Builder joinTokens(JoinTokens value) {
      joinTokens = value;
      return this;
    }

    /** Makes the CloudHub a gateway in front of cloudcore's CloudHub at {@code value}. */
    public Builder upstream(UpstreamSettings value) {
      upstream = Optional.of(value);
      return this;
    }

    public Builder metrics(Metrics value) {
      metrics = value;
      return this;
    }

    public Builder limits(Limits value) {
      limits = value;
      return this;
    }

    public Builder revocation(Revocation value) {
      revocation = value;
      return this;
    }

    public Builder admin(Admin value) {
      admin = value;
      return this;
    }

    public Builder reconnectWindow(Duration value) {
      reconnectWindow = value;
      return this;
    }

    public Builder caCertificateFile(Path value) {
      caCertificateFile = value;
      return this;
    }

    public Builder caKeyFile(Path value) {
      caKeyFile = value;
      return this;
    }

    public Builder serverCertificateFile(Path value) {
      serverCertificateFile = value;
      return this;
    }

    public Builder serverKeyFile(Path value) {
      serverKeyFile = value;
      return this;
    }

    public Builder websocketAddress(String value) {
      websocketAddress = value;
      return this;
    }

    public Builder websocketPort(int value) {
      websocketPort = value;
      return this;
    }

    public Builder httpsAddress(String value) {
      httpsAddress = value;
      return this;
    }

    public Builder httpsPort(int value) {
      httpsPort = value;
      return this;
    }

    public Builder advertiseAddresses(List<InetAddress> value) {
      advertiseAddresses = value;
      return this;
    }

    public Builder dnsNames(List<String> value) {
      dnsNames = value;
      return this;
    }

    public Builder keepaliveInterval(Duration value) {
      keepaliveInterval = value;
      return this;
    }

    public Builder writeTimeout(Duration value) {
      writeTimeout = value;
      return this;
    }

    public Builder nodeLimit(int value) {
      nodeLimit = value;
      return this;
    }

    public Builder edgeCertSigningDuration(Duration value) {
      edgeCertSigningDuration = value;
      return this;
    }

    public Builder tokenRefreshDuration(Duration value) {
      tokenRefreshDuration = value;
      return this;
    }

    public Builder joinTokenFile(Path value) {
      joinTokenFile = value;
      return this;
    }

    public Builder credentialPollInterval(Duration value) {
      credentialPollInterval = value;
      return this;
    }

    public CloudHubSettings build() {
      return new CloudHubSettings(
          caCertificateFile,
          caKeyFile,
          serverCertificateFile,
          serverKeyFile,
          websocketAddress,
          websocketPort,
          httpsAddress,
          httpsPort,
          advertiseAddresses,
          dnsNames,
          keepaliveInterval,
          writeTimeout,
          nodeLimit,
          edgeCertSigningDuration,
          tokenRefreshDuration,
          joinTokenFile,
          credentialPollInterval,
          revocation,
          admin,
          reconnectWindow,
          metrics,
          limits,
          joinTokens,
          upstream,
          migration);
    }
  }
}
