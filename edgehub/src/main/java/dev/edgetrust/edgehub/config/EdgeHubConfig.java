package dev.edgetrust.edgehub.config;

import dev.edgetrust.config.Settings;
import dev.edgetrust.edgehub.gateway.GatewaySettings;
import dev.edgetrust.pki.JoinToken;

/**
 * {@code modules.edgeHub} of a KubeEdge {@code edgecore.yaml}, as written, with KubeEdge's defaults
 * applied: every key KubeEdge v1.15 has there, so an existing file loads unchanged, plus
 * edgetrust's optional extensions (whose defaults change nothing).
 *
 * <p>Relative paths are not resolved here; {@link EdgeHubSettings} does that against the file's
 * directory.
 *
 * @param enable whether the EdgeHub runs at all (default true)
 * @param heartbeat seconds between keepalive messages (default 15)
 * @param messageQPS messages per second the edge sends to the cloud (default 30)
 * @param messageBurst messages the edge may send at once before {@code messageQPS} applies (60)
 * @param projectID first segment of the WebSocket path (KubeEdge's fixed default)
 * @param tlsCaFile the CloudHub's CA certificate, written at enrollment
 * @param tlsCertFile this node's certificate
 * @param tlsPrivateKeyFile this node's private key (0600)
 * @param token a join token ({@code <CA hash>.<JWT>}) for the first enrollment; empty if none
 * @param httpServer the CloudHub's HTTPS bootstrap URL; default {@code https://<websocket
 *     host>:10002}
 * @param rotateCertificates renew the certificate before it expires (default true)
 * @param websocket the WebSocket connection to the CloudHub
 * @param quic KubeEdge's QUIC transport; parsed, but it must stay disabled
 * @param tokenFile edgetrust: read the join token from this file when {@code token} is empty
 * @param metrics edgetrust: serve {@code /metrics} on 127.0.0.1 (off by default)
 * @param gateway edgetrust: serve a local stock edgecore on 127.0.0.1 and relay it (off by default)
 * @param escalateAfter edgetrust: seconds of failing to enroll or renew before one ERROR says so
 *     (default 300)
 */
public record EdgeHubConfig(
    Boolean enable,
    Integer heartbeat,
    Integer messageQPS,
    Integer messageBurst,
    String projectID,
    String tlsCaFile,
    String tlsCertFile,
    String tlsPrivateKeyFile,
    String token,
    String httpServer,
    Boolean rotateCertificates,
    WebSocket websocket,
    Quic quic,
    String tokenFile,
    Metrics metrics,
    Gateway gateway,
    Integer escalateAfter) {

  public static final String DEFAULT_PROJECT_ID = "e632aba927ea4ac2b575ec1603d56f10";
  public static final String DEFAULT_CA_FILE = "/etc/kubeedge/ca/rootCA.crt";
  public static final String DEFAULT_CERT_FILE = "/etc/kubeedge/certs/server.crt";
  public static final String DEFAULT_KEY_FILE = "/etc/kubeedge/certs/server.key";

  /** The CloudHub's HTTPS bootstrap port, used when {@code httpServer} is not set. */
  public static final int DEFAULT_HTTPS_PORT = 10002;

  public EdgeHubConfig {
    enable = enable == null || enable;
    heartbeat = Settings.positive("heartbeat", heartbeat, 15);
    messageQPS = Settings.positive("messageQPS", messageQPS, 30);
    messageBurst = Settings.positive("messageBurst", messageBurst, 60);
    projectID = Settings.orDefault(projectID, DEFAULT_PROJECT_ID).strip();
    if (!projectID.matches("[A-Za-z0-9._~-]+")) {
      throw new IllegalArgumentException(
          "'projectID' may hold only letters, digits, '.', '_', '~' and '-' (it is a URL path segment)");
    }
    tlsCaFile = Settings.orDefault(tlsCaFile, DEFAULT_CA_FILE);
    tlsCertFile = Settings.orDefault(tlsCertFile, DEFAULT_CERT_FILE);
    tlsPrivateKeyFile = Settings.orDefault(tlsPrivateKeyFile, DEFAULT_KEY_FILE);
    token = token == null ? "" : token.strip();
    if (!token.isEmpty()) {
      try {
        JoinToken.parse(token);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'token' " + e.getMessage());
      }
    }
    httpServer = httpServer == null ? "" : httpServer.strip();
    rotateCertificates = rotateCertificates == null || rotateCertificates;
    websocket = websocket == null ? new WebSocket(null, null, null, null, null) : websocket;
    quic = quic == null ? new Quic(null, null, null, null, null) : quic;
    tokenFile = tokenFile == null ? "" : tokenFile.strip();
    metrics = metrics == null ? new Metrics(null, null) : metrics;
    escalateAfter = Settings.positive("escalateAfter", escalateAfter, 300);
    gateway = gateway == null ? new Gateway(null, null, null, null, null, null) : gateway;
    if (enable) {
      // KubeEdge skips checking the rest of the section when the module is off; so do we.
      if (quic.enable()) {
        throw new IllegalArgumentException(
            "'quic.enable' is true: QUIC is not supported yet; use websocket"
                + " (set 'quic.enable: false' and 'websocket.enable: true')");
      }
      if (!websocket.enable()) {
        throw new IllegalArgumentException(
            "'websocket.enable' is false, but the EdgeHub connects over websocket only; set it to true");
      }
      if (websocket.server().isEmpty()) {
        throw new IllegalArgumentException(
            "'websocket.server' is required: the CloudHub's host:port, e.g. 192.168.1.10:10000");
      }
      try {
        ServerAddress.parse(websocket.server());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'websocket.server' " + e.getMessage());
      }
      if (!httpServer.isEmpty()) {
        BootstrapUrl.parse("httpServer", httpServer);
      }
    }
  }

  /**
   * {@code modules.edgeHub.websocket}.
   *
   * @param enable default true
   * @param handshakeTimeout seconds for TCP connect + TLS + WebSocket upgrade (default 30)
   * @param readDeadline seconds of silence, beyond two heartbeats, after which the connection is
   *     dead (default 15)
   * @param server the CloudHub's {@code host:port}; required
   * @param writeDeadline seconds a write may take before the connection is dead (default 15)
   */
  public record WebSocket(
      Boolean enable,
      Integer handshakeTimeout,
      Integer readDeadline,
      String server,
      Integer writeDeadline) {
    public WebSocket {
      enable = enable == null || enable;
      handshakeTimeout = Settings.positive("handshakeTimeout", handshakeTimeout, 30);
      readDeadline = Settings.positive("readDeadline", readDeadline, 15);
      server = server == null ? "" : server.strip();
      writeDeadline = Settings.positive("writeDeadline", writeDeadline, 15);
    }
  }

  /**
   * {@code modules.edgeHub.metrics}: {@code enable} (false), {@code port} (10009). Always bound to
   * 127.0.0.1: the endpoint has no authentication, and what it shows is for the device's own
   * monitoring agent. 10009 stays clear of KubeEdge's ports (CloudCore 10000-10004, edgecore
   * 10350/10550, MQTT 1883/1884) and of the CloudHub's metrics port 10008, so one host can run
   * both.
   */
  public record Metrics(Boolean enable, Integer port) {
    public static final int DEFAULT_PORT = 10009;

    public Metrics {
      enable = enable != null && enable;
      port = Settings.port("port", port, DEFAULT_PORT);
    }
  }

  /**
   * {@code modules.edgeHub.gateway}: the EdgeHub as a cloudcore-compatible server for one local
   * stock edgecore, always on 127.0.0.1 only. The ports default to cloudcore's (10000 WebSocket,
   * 10002 HTTPS bootstrap), so the local edgecore.yaml changes only its host.
   *
   * @param enable default false
   * @param port the local WebSocket server (default 10000)
   * @param httpsPort the local {@code /ca.crt} and {@code /edge.crt} (default 10002)
   * @param directory where the local CA and the local join token are kept (0700; default {@code
   *     /etc/kubeedge/edgetrust-gateway})
   * @param maxBufferedBytes what the gateway holds for the local edgecore, written but not yet
   *     taken, or waiting while it is away, before it acts (default 4 MiB)
   * @param keepaliveInterval seconds without a message from the local edgecore before its session
   *     is closed, as cloudcore's {@code keepaliveInterval} (default 30)
   */
  public record Gateway(
      Boolean enable,
      Integer port,
      Integer httpsPort,
      String directory,
      Integer maxBufferedBytes,
      Integer keepaliveInterval) {
    public Gateway {
      enable = enable != null && enable;
      port = Settings.port("port", port, GatewaySettings.DEFAULT_PORT);
      httpsPort = Settings.port("httpsPort", httpsPort, GatewaySettings.DEFAULT_HTTPS_PORT);
      directory = Settings.orDefault(directory, GatewaySettings.DEFAULT_DIRECTORY).strip();
      maxBufferedBytes =
          Settings.positive(
              "maxBufferedBytes", maxBufferedBytes, GatewaySettings.DEFAULT_MAX_BUFFERED_BYTES);
      keepaliveInterval =
          Settings.positive(
              "keepaliveInterval", keepaliveInterval, GatewaySettings.DEFAULT_KEEPALIVE_SECONDS);
      if (enable && port != 0 && port.equals(httpsPort)) {
        throw new IllegalArgumentException(
            "'port' and 'httpsPort' are both "
                + port
                + ": the WebSocket server and /edge.crt need a port each");
      }
    }
  }

  /** {@code modules.edgeHub.quic}: read so that KubeEdge files load; enabling it is an error. */
  public record Quic(
      Boolean enable,
      Integer handshakeTimeout,
      Integer readDeadline,
      String server,
      Integer writeDeadline) {
    public Quic {
      enable = enable != null && enable;
      handshakeTimeout = Settings.positive("handshakeTimeout", handshakeTimeout, 30);
      readDeadline = Settings.positive("readDeadline", readDeadline, 15);
      server = server == null ? "" : server.strip();
      writeDeadline = Settings.positive("writeDeadline", writeDeadline, 15);
    }
  }
}
