package dev.edgetrust.edgehub.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.Settings;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.gateway.GatewaySettings;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.EdgePkiContext;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.PkiProviders;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the EdgeHub needs, resolved: paths absolute, servers parsed, the node named, times as
 * durations. Built from an {@code edgecore.yaml} by {@link #load(Path)}, or in code by {@link
 * #of(NodeName, ServerAddress, URI, Path)}.
 *
 * <p>{@link #toString()} is safe to log: a {@link JoinToken} shows only its CA hash.
 *
 * @param source where these settings came from, for messages (the config file, or "settings")
 * @param nodeName this node's name ({@code modules.edged.hostnameOverride}, else the host name)
 * @param projectId first segment of the WebSocket path
 * @param heartbeat interval of keepalive messages and ping frames
 * @param messageQps sustained rate of messages to the cloud
 * @param messageBurst messages that may go at once before the rate applies
 * @param caFile the CloudHub's CA certificate (written at enrollment, trusted afterwards)
 * @param certificateFile this node's certificate
 * @param privateKeyFile this node's private key
 * @param token a join token from the configuration, if any
 * @param tokenFile a file to read a join token from when {@code token} is empty, if configured
 * @param httpServer the CloudHub's HTTPS bootstrap, {@code https://host:port}
 * @param rotateCertificates renew the certificate before it expires
 * @param websocketServer the CloudHub's WebSocket endpoint
 * @param handshakeTimeout limit for TCP connect, TLS and the WebSocket upgrade together
 * @param readDeadline added to two heartbeats: silence longer than that means the link is dead
 * @param writeDeadline a write that takes longer means the link is dead
 * @param pki the PKI the node asks for its certificates itself, when a provider's section ({@code
 *     modules.edgeHub.vault}, say) has {@code enable: true}; empty: from the CloudHub's bootstrap
 * @param metricsPort where to serve {@code /metrics} on 127.0.0.1 ({@code
 *     modules.edgeHub.metrics}); empty: nowhere (the default); 0: any free port
 * @param gateway the local server for a stock edgecore ({@code modules.edgeHub.gateway}); empty:
 *     none (the default)
 * @param escalateAfter how long enrolling or renewing may fail before one ERROR says so ({@code
 *     modules.edgeHub.escalateAfter}, seconds)
 */
public record EdgeHubSettings(
    String source,
    NodeName nodeName,
    String projectId,
    Duration heartbeat,
    int messageQps,
    int messageBurst,
    Path caFile,
    Path certificateFile,
    Path privateKeyFile,
    Optional<JoinToken> token,
    Optional<Path> tokenFile,
    URI httpServer,
    boolean rotateCertificates,
    ServerAddress websocketServer,
    Duration handshakeTimeout,
    Duration readDeadline,
    Duration writeDeadline,
    Optional<EdgePki> pki,
    OptionalInt metricsPort,
    Optional<GatewaySettings> gateway,
    Duration escalateAfter) {

  private static final String SECTION = "modules.edgeHub";
  private static final String HOSTNAME_OVERRIDE = "modules.edged.hostnameOverride";

  public EdgeHubSettings {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(projectId, "projectId");
    positive("heartbeat", heartbeat);
    if (messageQps <= 0 || messageBurst <= 0) {
      throw new IllegalArgumentException("messageQps and messageBurst must be greater than 0");
    }
    caFile = caFile.toAbsolutePath();
    certificateFile = certificateFile.toAbsolutePath();
    privateKeyFile = privateKeyFile.toAbsolutePath();
    Objects.requireNonNull(token, "token");
    tokenFile = tokenFile.map(Path::toAbsolutePath);
    httpServer = BootstrapUrl.parse("httpServer", httpServer.toString());
    Objects.requireNonNull(websocketServer, "websocketServer");
    positive("handshakeTimeout", handshakeTimeout);
    positive("readDeadline", readDeadline);
    positive("writeDeadline", writeDeadline);
    Objects.requireNonNull(pki, "pki");
    metricsPort = metricsPort == null ? OptionalInt.empty() : metricsPort;
    metricsPort.ifPresent(
        p -> {
          if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("metricsPort must be from 0 to 65535, was " + p);
          }
        });
    gateway = gateway == null ? Optional.empty() : gateway;
    positive("escalateAfter", escalateAfter);
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /**
   * Reads {@code modules.edgeHub} (and the node name) from a KubeEdge {@code edgecore.yaml}.
   *
   * @throws ConfigException one line naming the file and the key, if anything is wrong, or if the
   *     EdgeHub is switched off in the file
   */
  public static EdgeHubSettings load(Path file) throws ConfigException {
    return from(YamlConfig.read(file));
  }

  /** As {@link #load(Path)}, from a file already read. */
  public static EdgeHubSettings from(YamlConfig yaml) throws ConfigException {
    return from(yaml, PkiProviders.installed());
  }

  /**
   * As {@link #from(YamlConfig)}, with these PKIs: each reads its own section {@code
   * modules.edgeHub.NAME}, which the EdgeHub leaves to it.
   */
  public static EdgeHubSettings from(YamlConfig yaml, PkiProviders providers)
      throws ConfigException {
    EdgeHubConfig config =
        yaml.section(SECTION, EdgeHubConfig.class, java.util.Set.copyOf(providers.names()));
    Path file = yaml.file();
    NodeName node = nodeName(yaml);
    if (!config.enable()) {
      throw new ConfigException(
          file + ": '" + SECTION + ".enable' is false: the EdgeHub is switched off in this file");
    }
    Path base = yaml.baseDirectory();
    ServerAddress websocket = ServerAddress.parse(config.websocket().server());
    URI httpServer =
        config.httpServer().isEmpty()
            ? URI.create(
                "https://"
                    + new ServerAddress(websocket.host(), EdgeHubConfig.DEFAULT_HTTPS_PORT)
                        .authority())
            : BootstrapUrl.parse("httpServer", config.httpServer());
    return new EdgeHubSettings(
        file.toString(),
        node,
        config.projectID(),
        Duration.ofSeconds(config.heartbeat()),
        config.messageQPS(),
        config.messageBurst(),
        Settings.resolve(base, config.tlsCaFile()),
        Settings.resolve(base, config.tlsCertFile()),
        Settings.resolve(base, config.tlsPrivateKeyFile()),
        config.token().isEmpty() ? Optional.empty() : Optional.of(JoinToken.parse(config.token())),
        config.tokenFile().isEmpty()
            ? Optional.empty()
            : Optional.of(Settings.resolve(base, config.tokenFile())),
        httpServer,
        config.rotateCertificates(),
        websocket,
        Duration.ofSeconds(config.websocket().handshakeTimeout()),
        Duration.ofSeconds(config.websocket().readDeadline()),
        Duration.ofSeconds(config.websocket().writeDeadline()),
        edgePki(yaml, config, node, providers),
        config.metrics().enable() ? OptionalInt.of(config.metrics().port()) : OptionalInt.empty(),
        config.gateway().enable() ? Optional.of(gateway(base, config.gateway())) : Optional.empty(),
        Duration.ofSeconds(config.escalateAfter()));
  }

  private static GatewaySettings gateway(Path base, EdgeHubConfig.Gateway g) {
    return new GatewaySettings(
        g.port(),
        g.httpsPort(),
        Settings.resolve(base, g.directory()),
        g.maxBufferedBytes(),
        Duration.ofSeconds(g.keepaliveInterval()));
  }

  /**
   * The PKI whose section {@code modules.edgeHub.NAME} is enabled, bound and checked by its
   * factory; empty when none is (the node enrolls through the CloudHub's bootstrap).
   */
  private static Optional<EdgePki> edgePki(
      YamlConfig yaml, EdgeHubConfig config, NodeName node, PkiProviders providers)
      throws ConfigException {
    Optional<EdgePki> enabled = Optional.empty();
    for (PkiProviderFactory factory : providers.all()) {
      EdgePkiContext context =
          EdgePkiContext.builder(yaml, factory.name(), node)
              .files(
                  Settings.resolve(yaml.baseDirectory(), config.tlsCaFile()),
                  Settings.resolve(yaml.baseDirectory(), config.tlsCertFile()),
                  Settings.resolve(yaml.baseDirectory(), config.tlsPrivateKeyFile()))
              .build();
      Optional<EdgePki> edge = factory.edge(context);
      if (edge.isPresent() && enabled.isPresent()) {
        throw new ConfigException(
            yaml.file()
                + ": '"
                + SECTION
                + "."
                + enabled.get().provider()
                + "' and '"
                + context.section()
                + "' are both enabled; a node takes its certificates from one PKI");
      }
      enabled = edge.isPresent() ? edge : enabled;
    }
    return enabled;
  }

  private static NodeName nodeName(YamlConfig yaml) throws ConfigException {
    JsonNode override = yaml.node(HOSTNAME_OVERRIDE);
    String name;
    String origin;
    if (override.isMissingNode()
        || override.isNull()
        || (override.isTextual() && override.asText().isBlank())) {
      name = hostName();
      origin = "the host name (set '" + HOSTNAME_OVERRIDE + "' to choose another)";
    } else if (override.isTextual()) {
      name = override.asText().strip();
      origin = "'" + HOSTNAME_OVERRIDE + "'";
    } else {
      throw new ConfigException(yaml.file() + ": '" + HOSTNAME_OVERRIDE + "' must be a string");
    }
    try {
      return NodeName.of(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(yaml.file() + ": node name from " + origin + ": " + e.getMessage());
    }
  }

  /** The host name, lowercased, as KubeEdge's {@code util.GetHostname()} reports it. */
  static String hostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        return Files.readString(kernel).strip().toLowerCase(Locale.ROOT);
      }
    } catch (IOException e) {
      // fall through to the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName().strip().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Settings with KubeEdge's defaults for a node whose credentials live under {@code
   * credentialDirectory} (as {@code ca/rootCA.crt}, {@code certs/server.crt} and {@code
   * certs/server.key}, KubeEdge's layout under {@code /etc/kubeedge}). For the demo and tests.
   */
  public static EdgeHubSettings of(
      NodeName node, ServerAddress websocketServer, URI httpServer, Path credentialDirectory) {
    Path dir = credentialDirectory.toAbsolutePath();
    return new EdgeHubSettings(
        "settings",
        node,
        EdgeHubConfig.DEFAULT_PROJECT_ID,
        Duration.ofSeconds(15),
        30,
        60,
        dir.resolve("ca/rootCA.crt"),
        dir.resolve("certs/server.crt"),
        dir.resolve("certs/server.key"),
        Optional.empty(),
        Optional.empty(),
        httpServer,
        true,
        websocketServer,
        Duration.ofSeconds(30),
        Duration.ofSeconds(15),
        Duration.ofSeconds(15),
        Optional.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        Duration.ofMinutes(5));
  }

  public EdgeHubSettings withToken(JoinToken newToken) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        heartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        Optional.of(newToken),
        tokenFile,
        httpServer,
        rotateCertificates,
        websocketServer,
        handshakeTimeout,
        readDeadline,
        writeDeadline,
        pki,
        metricsPort,
        gateway,
        escalateAfter);
  }

  public EdgeHubSettings withTokenFile(Path file) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        heartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        token,
        Optional.of(file),
        httpServer,
        rotateCertificates,
        websocketServer,
        handshakeTimeout,
        readDeadline,
        writeDeadline,
        pki,
        metricsPort,
        gateway,
        escalateAfter);
  }

  public EdgeHubSettings withHeartbeat(Duration newHeartbeat, Duration newReadDeadline) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        newHeartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        token,
        tokenFile,
        httpServer,
        rotateCertificates,
        websocketServer,
        handshakeTimeout,
        newReadDeadline,
        writeDeadline,
        pki,
        metricsPort,
        gateway,
        escalateAfter);
  }

  public EdgeHubSettings withRotateCertificates(boolean rotate) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        heartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        token,
        tokenFile,
        httpServer,
        rotate,
        websocketServer,
        handshakeTimeout,
        readDeadline,
        writeDeadline,
        pki,
        metricsPort,
        gateway,
        escalateAfter);
  }

  /**
   * These settings with certificates from a PKI the node asks itself ({@code pki} present) or from
   * the CloudHub's bootstrap (empty).
   */
  public EdgeHubSettings withPki(Optional<EdgePki> newPki) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        heartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        token,
        tokenFile,
        httpServer,
        rotateCertificates,
        websocketServer,
        handshakeTimeout,
        readDeadline,
        writeDeadline,
        newPki,
        metricsPort,
        gateway,
        escalateAfter);
  }

  /** These settings with {@code /metrics} served on 127.0.0.1:{@code port} (empty: not served). */
  public EdgeHubSettings withMetricsPort(OptionalInt port) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        heartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        token,
        tokenFile,
        httpServer,
        rotateCertificates,
        websocketServer,
        handshakeTimeout,
        readDeadline,
        writeDeadline,
        pki,
        port,
        gateway,
        escalateAfter);
  }

  /** These settings with a local gateway for a stock edgecore (empty: none). */
  public EdgeHubSettings withGateway(Optional<GatewaySettings> newGateway) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        heartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        token,
        tokenFile,
        httpServer,
        rotateCertificates,
        websocketServer,
        handshakeTimeout,
        readDeadline,
        writeDeadline,
        pki,
        metricsPort,
        newGateway,
        escalateAfter);
  }

  /** These settings with another {@link #escalateAfter}. */
  public EdgeHubSettings withEscalateAfter(Duration after) {
    return new EdgeHubSettings(
        source,
        nodeName,
        projectId,
        heartbeat,
        messageQps,
        messageBurst,
        caFile,
        certificateFile,
        privateKeyFile,
        token,
        tokenFile,
        httpServer,
        rotateCertificates,
        websocketServer,
        handshakeTimeout,
        readDeadline,
        writeDeadline,
        pki,
        metricsPort,
        gateway,
        after);
  }

  /** {@code wss://<server>/<projectID>/<nodeName>/events}, the URL edgecore dials. */
  public URI webSocketUri() {
    return URI.create(
        "wss://"
            + websocketServer.authority()
            + "/"
            + projectId
            + "/"
            + nodeName.value()
            + "/events");
  }

  /**
   * No inbound frame for this long means the connection is dead: two heartbeats plus the read
   * deadline.
   */
  public Duration deadConnectionTimeout() {
    return heartbeat.multipliedBy(2).plus(readDeadline);
  }

  /**
   * Every file holding a secret this node reads: its key, the join token file, and those of the PKI
   * it asks itself (Vault: the token or AppRole secret_id file). Checked like ssh checks a key
   * before the EdgeHub starts.
   */
  public List<Path> secretFiles() {
    List<Path> secrets = new ArrayList<>();
    secrets.add(privateKeyFile);
    tokenFile.ifPresent(secrets::add);
    pki.ifPresent(p -> secrets.addAll(p.secretFiles()));
    return List.copyOf(secrets);
  }

  /** The key and certificate, replaced as a pair. */
  public KeyCertificateFiles credentialFiles() {
    return new KeyCertificateFiles(privateKeyFile, certificateFile);
  }
}
