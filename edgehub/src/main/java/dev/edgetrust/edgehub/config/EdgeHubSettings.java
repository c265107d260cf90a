package dev.edgetrust.edgehub.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.ConfigPathDeserializer;
import dev.edgetrust.config.SecondsDeserializer;
import dev.edgetrust.config.Settings;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code modules.edgeHub} of a KubeEdge {@code edgecore.yaml}, typed and checked: every key
 * KubeEdge v1.15 has there, with its defaults, so an existing file loads unchanged, plus
 * edgetrust's optional extensions (whose defaults change nothing). Paths are absolute (relative
 * ones are resolved against the file's directory), servers parsed, times durations, and what is off
 * is empty.
 *
 * <p>One tree, built one way: Jackson binds the file's keys to a {@link Builder} ({@link
 * #load(Path)}), code starts one with {@link #builder(NodeName, ServerAddress, URI, Path)}, and
 * {@link #toBuilder()} copies; {@link Builder#build()} checks all of it.
 *
 * <p>Its length (over 400 lines) is one documented component and one builder setter per key of the
 * section, which is what a reader comes here for; loading the file is {@link EdgecoreFile}'s.
 *
 * <p>{@link #toString()} is safe to log: a {@link JoinToken} shows only its CA hash.
 *
 * @param source where these settings came from, for messages (the config file, or "settings")
 * @param nodeName this node's name ({@code modules.edged.hostnameOverride}, else the host name)
 * @param projectId the file's projectID: first segment of the WebSocket path
 * @param heartbeat {@code heartbeat}: interval of keepalive messages and ping frames (15s)
 * @param messageQps the file's messageQPS: sustained rate of messages to the cloud (30)
 * @param messageBurst {@code messageBurst}: messages that may go at once before the rate applies
 *     (60)
 * @param caFile {@code tlsCaFile}: the CloudHub's CA certificate (written at enrollment, trusted
 *     afterwards)
 * @param certificateFile {@code tlsCertFile}: this node's certificate
 * @param privateKeyFile the file's tlsPrivateKeyFile: this node's private key (0600)
 * @param token {@code token}: a join token for the first enrollment, if any
 * @param tokenFile {@code tokenFile} (edgetrust): a file to read a join token from when {@code
 *     token} is empty, if configured
 * @param httpServer {@code httpServer}: the CloudHub's HTTPS bootstrap, {@code https://host:port};
 *     default: the websocket host, port 10002
 * @param rotateCertificates {@code rotateCertificates}: renew the certificate before it expires
 * @param websocket {@code websocket}: the connection to the CloudHub
 * @param pki the PKI the node asks for its certificates itself, when a provider's section ({@code
 *     modules.edgeHub.vault}, say) has {@code enable: true}; empty: from the CloudHub's bootstrap
 * @param metricsPort {@code metrics} (edgetrust): where to serve {@code /metrics} on 127.0.0.1;
 *     empty: nowhere (the default); 0: any free port
 * @param gateway {@code gateway} (edgetrust): the local server for a stock edgecore; empty: none
 *     (the default)
 * @param escalateAfter {@code escalateAfter} (edgetrust): how long enrolling or renewing may fail
 *     before one ERROR says so (seconds; 300)
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
    WebSocketSettings websocket,
    Optional<EdgePki> pki,
    OptionalInt metricsPort,
    Optional<GatewaySettings> gateway,
    Duration escalateAfter) {

  public static final String DEFAULT_PROJECT_ID = "e632aba927ea4ac2b575ec1603d56f10";
  public static final String DEFAULT_CA_FILE = "/etc/kubeedge/ca/rootCA.crt";
  public static final String DEFAULT_CERT_FILE = "/etc/kubeedge/certs/server.crt";
  public static final String DEFAULT_KEY_FILE = "/etc/kubeedge/certs/server.key";

  /** The CloudHub's HTTPS bootstrap port, used when {@code httpServer} is not set. */
  public static final int DEFAULT_HTTPS_PORT = 10002;

  public EdgeHubSettings {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(nodeName, "nodeName");
    if (!projectId.matches("[A-Za-z0-9._~-]+")) {
      throw new IllegalArgumentException(
          "'projectID' may hold only letters, digits, '.', '_', '~' and '-' (it is a URL path segment)");
    }
    Settings.positive("heartbeat", heartbeat);
    Settings.positive("messageQPS", messageQps, 0);
    Settings.positive("messageBurst", messageBurst, 0);
    caFile = caFile.toAbsolutePath();
    certificateFile = certificateFile.toAbsolutePath();
    privateKeyFile = privateKeyFile.toAbsolutePath();
    Objects.requireNonNull(token, "token");
    tokenFile = tokenFile.map(Path::toAbsolutePath);
    httpServer = BootstrapUrl.parse("httpServer", httpServer.toString());
    Objects.requireNonNull(websocket, "websocket");
    Objects.requireNonNull(pki, "pki");
    metricsPort.ifPresent(p -> Settings.port("metrics.port", p, MetricsSection.DEFAULT_PORT));
    Objects.requireNonNull(gateway, "gateway");
    Settings.positive("escalateAfter", escalateAfter);
  }

  /**
   * Reads {@code modules.edgeHub} (and the node name) from a KubeEdge {@code edgecore.yaml}, with
   * the PKIs installed: each reads its own section {@code modules.edgeHub.NAME}.
   *
   * @throws ConfigException one line naming the file and the key, if anything is wrong, or if the
   *     EdgeHub is switched off in the file
   */
  public static EdgeHubSettings load(Path file) throws ConfigException {
    return EdgecoreFile.load(file);
  }

  /**
   * KubeEdge's defaults for a node whose credentials live under {@code credentialDirectory} (as
   * {@code ca/rootCA.crt}, {@code certs/server.crt} and {@code certs/server.key}, KubeEdge's layout
   * under {@code /etc/kubeedge}). For the demo and tests.
   */
  public static Builder builder(
      NodeName node, ServerAddress websocketServer, URI httpServer, Path credentialDirectory) {
    Path dir = credentialDirectory.toAbsolutePath();
    return new Builder()
        .nodeName(node)
        .websocket(WebSocketSettings.builder().server(websocketServer))
        .httpServer(httpServer)
        .caFile(dir.resolve("ca/rootCA.crt"))
        .certificateFile(dir.resolve("certs/server.crt"))
        .privateKeyFile(dir.resolve("certs/server.key"));
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .source(source)
            .nodeName(nodeName)
            .projectId(projectId)
            .heartbeat(heartbeat)
            .messageQps(messageQps)
            .messageBurst(messageBurst)
            .caFile(caFile)
            .certificateFile(certificateFile)
            .privateKeyFile(privateKeyFile)
            .httpServer(httpServer)
            .rotateCertificates(rotateCertificates)
            .websocket(websocket.toBuilder())
            .pki(pki)
            .metricsPort(metricsPort)
            .gateway(gateway.map(GatewaySettings::toBuilder).orElseGet(GatewaySettings::builder))
            .escalateAfter(escalateAfter);
    token.ifPresent(b::token);
    tokenFile.ifPresent(b::tokenFile);
    return b;
  }

  /** {@code wss://<server>/<projectID>/<nodeName>/events}, the URL edgecore dials. */
  public URI webSocketUri() {
    return URI.create(
        "wss://"
            + websocket.server().authority()
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
    return heartbeat.multipliedBy(2).plus(websocket.readDeadline());
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

  /**
   * {@code modules.edgeHub} as written, or as code sets it. Jackson binds the file's keys to the
   * setters annotated with their KubeEdge names (an empty value keeps the default); the others are
   * for what the file does not say there (the node's name, its PKI) and for code.
   */
  public static final class Builder {
    private boolean enable = true;
    private String source = "settings";
    private Optional<NodeName> nodeName = Optional.empty();
    private String projectId = DEFAULT_PROJECT_ID;
    private Duration heartbeat = Duration.ofSeconds(15);
    private int messageQps = 30;
    private int messageBurst = 60;
    private Path caFile = Path.of(DEFAULT_CA_FILE);
    private Path certificateFile = Path.of(DEFAULT_CERT_FILE);
    private Path privateKeyFile = Path.of(DEFAULT_KEY_FILE);
    private Optional<JoinToken> token = Optional.empty();
    private Optional<Path> tokenFile = Optional.empty();
    private Optional<URI> httpServer = Optional.empty();
    private boolean rotateCertificates = true;
    private WebSocketSettings.Builder websocket = WebSocketSettings.builder();
    private QuicSection quic = new QuicSection(null, null, null, null, null);
    private Optional<EdgePki> pki = Optional.empty();
    private OptionalInt metricsPort = OptionalInt.empty();
    private GatewaySettings.Builder gateway = GatewaySettings.builder();
    private Duration escalateAfter = Duration.ofSeconds(300);

    private Builder() {}

    /** Whether the EdgeHub runs at all: settings exist only for one that does. */
    @JsonSetter(value = "enable", nulls = Nulls.SKIP)
    public Builder enable(boolean on) {
      this.enable = on;
      return this;
    }

    public Builder source(String where) {
      this.source = where;
      return this;
    }

    public Builder nodeName(NodeName node) {
      this.nodeName = Optional.of(node);
      return this;
    }

    @JsonSetter(value = "projectID", nulls = Nulls.SKIP)
    public Builder projectId(String id) {
      this.projectId = id.isBlank() ? DEFAULT_PROJECT_ID : id.strip();
      return this;
    }

    @JsonSetter(value = "heartbeat", nulls = Nulls.SKIP)
    @JsonDeserialize(using = SecondsDeserializer.class)
    public Builder heartbeat(Duration interval) {
      this.heartbeat = interval;
      return this;
    }

    @JsonSetter(value = "messageQPS", nulls = Nulls.SKIP)
    public Builder messageQps(int perSecond) {
      this.messageQps = perSecond;
      return this;
    }

    @JsonSetter(value = "messageBurst", nulls = Nulls.SKIP)
    public Builder messageBurst(int messages) {
      this.messageBurst = messages;
      return this;
    }

    @JsonSetter(value = "tlsCaFile", nulls = Nulls.SKIP)
    @JsonDeserialize(using = ConfigPathDeserializer.class)
    public Builder caFile(Path file) {
      this.caFile = file;
      return this;
    }

    @JsonSetter(value = "tlsCertFile", nulls = Nulls.SKIP)
    @JsonDeserialize(using = ConfigPathDeserializer.class)
    public Builder certificateFile(Path file) {
      this.certificateFile = file;
      return this;
    }

    @JsonSetter(value = "tlsPrivateKeyFile", nulls = Nulls.SKIP)
    @JsonDeserialize(using = ConfigPathDeserializer.class)
    public Builder privateKeyFile(Path file) {
      this.privateKeyFile = file;
      return this;
    }

    public Builder token(JoinToken joinToken) {
      this.token = Optional.of(joinToken);
      return this;
    }

    /**
     * @throws IllegalArgumentException if {@code text} is not a join token (without echoing it)
     */
    @JsonSetter(value = "token", nulls = Nulls.SKIP)
    public Builder token(String text) {
      this.token = text.isBlank() ? Optional.empty() : Optional.of(JoinToken.parse(text.strip()));
      return this;
    }

    @JsonSetter(value = "tokenFile", nulls = Nulls.SKIP)
    @JsonDeserialize(using = ConfigPathDeserializer.class)
    public Builder tokenFile(Path file) {
      this.tokenFile = Optional.of(file);
      return this;
    }

    public Builder httpServer(URI url) {
      this.httpServer = Optional.of(url);
      return this;
    }

    /**
     * @throws IllegalArgumentException unless {@code url} is {@code https://host:port}
     */
    @JsonSetter(value = "httpServer", nulls = Nulls.SKIP)
    public Builder httpServer(String url) {
      this.httpServer =
          url.isBlank() ? Optional.empty() : Optional.of(BootstrapUrl.parse("httpServer", url));
      return this;
    }

    @JsonSetter(value = "rotateCertificates", nulls = Nulls.SKIP)
    public Builder rotateCertificates(boolean rotate) {
      this.rotateCertificates = rotate;
      return this;
    }

    @JsonSetter(value = "websocket", nulls = Nulls.SKIP)
    public Builder websocket(WebSocketSettings.Builder section) {
      this.websocket = section;
      return this;
    }

    @JsonSetter(value = "quic", nulls = Nulls.SKIP)
    Builder quic(QuicSection section) {
      this.quic = section;
      return this;
    }

    public Builder pki(Optional<EdgePki> edgePki) {
      this.pki = edgePki;
      return this;
    }

    @JsonSetter(value = "metrics", nulls = Nulls.SKIP)
    Builder metrics(MetricsSection section) {
      this.metricsPort = section.enable() ? OptionalInt.of(section.port()) : OptionalInt.empty();
      return this;
    }

    public Builder metricsPort(OptionalInt port) {
      this.metricsPort = port;
      return this;
    }

    @JsonSetter(value = "gateway", nulls = Nulls.SKIP)
    public Builder gateway(GatewaySettings.Builder section) {
      this.gateway = section;
      return this;
    }

    @JsonSetter(value = "escalateAfter", nulls = Nulls.SKIP)
    @JsonDeserialize(using = SecondsDeserializer.class)
    public Builder escalateAfter(Duration failingFor) {
      this.escalateAfter = failingFor;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the key (relative to {@code modules.edgeHub}) that is
     *     wrong; KubeEdge skips checking the rest of the section when the module is off, so the
     *     switch is checked first
     */
    public EdgeHubSettings build() {
      if (!enable) {
        throw new IllegalArgumentException(
            "'enable' is false: the EdgeHub is switched off in this file");
      }
      if (quic.enable()) {
        throw new IllegalArgumentException(
            "'quic.enable' is true: QUIC is not supported yet; use websocket"
                + " (set 'quic.enable: false' and 'websocket.enable: true')");
      }
      WebSocketSettings ws;
      try {
        ws = websocket.build();
      } catch (IllegalArgumentException e) {
        throw Settings.within("websocket", e);
      }
      GatewaySettings local;
      try {
        local = gateway.build();
      } catch (IllegalArgumentException e) {
        throw Settings.within("gateway", e);
      }
      return new EdgeHubSettings(
          source,
          nodeName.orElseThrow(() -> new IllegalStateException("no node name")),
          projectId,
          heartbeat,
          messageQps,
          messageBurst,
          caFile,
          certificateFile,
          privateKeyFile,
          token,
          tokenFile,
          httpServer.orElseGet(
              () ->
                  URI.create(
                      "https://"
                          + new ServerAddress(ws.server().host(), DEFAULT_HTTPS_PORT).authority())),
          rotateCertificates,
          ws,
          pki,
          metricsPort,
          gateway.enabled() ? Optional.of(local) : Optional.empty(),
          escalateAfter);
    }
  }
}
