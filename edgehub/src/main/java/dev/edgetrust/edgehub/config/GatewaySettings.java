package dev.edgetrust.edgehub.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code modules.edgeHub.gateway}, resolved: the EdgeHub serving one local stock edgecore on
 * 127.0.0.1 and relaying it over its own session.
 *
 * @param port the local WebSocket server's port on 127.0.0.1 (0: any free port, for tests)
 * @param httpsPort the local {@code /ca.crt} and {@code /edge.crt} port on 127.0.0.1 (0: any)
 * @param directory the local CA and the local join token; 0700, never leaves the host
 * @param maxBufferedBytes what is held for the local edgecore before the gateway acts
 * @param keepaliveInterval silence from the local edgecore after which its session is closed
 */
public record GatewaySettings(
    int port, int httpsPort, Path directory, int maxBufferedBytes, Duration keepaliveInterval) {
  public static final int DEFAULT_PORT = 10000;
  public static final int DEFAULT_HTTPS_PORT = 10002;
  public static final String DEFAULT_DIRECTORY = "/etc/kubeedge/edgetrust-gateway";
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 4 << 20;
  public static final int DEFAULT_KEEPALIVE_SECONDS = 30;

  public GatewaySettings {
    directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    if (maxBufferedBytes <= 0) {
      throw new IllegalArgumentException(
          "maxBufferedBytes must be greater than 0, was " + maxBufferedBytes);
    }
    if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()) {
      throw new IllegalArgumentException(
          "keepaliveInterval must be positive, was " + keepaliveInterval);
    }
  }

  /** Defaults of {@code modules.edgeHub.gateway} with the local CA in {@code directory}. */
  public static GatewaySettings in(Path directory) {
    return new GatewaySettings(
        DEFAULT_PORT,
        DEFAULT_HTTPS_PORT,
        directory,
        DEFAULT_MAX_BUFFERED_BYTES,
        Duration.ofSeconds(DEFAULT_KEEPALIVE_SECONDS));
  }

  public GatewaySettings withPorts(int newPort, int newHttpsPort) {
    return new GatewaySettings(
        newPort, newHttpsPort, directory, maxBufferedBytes, keepaliveInterval);
  }

  public GatewaySettings withMaxBufferedBytes(int bytes) {
    return new GatewaySettings(port, httpsPort, directory, bytes, keepaliveInterval);
  }

  /** The local CA's certificate (0644). */
  public Path caCertificateFile() {
    return directory.resolve("ca.crt");
  }

  /** The local CA's key (0600). */
  public Path caKeyFile() {
    return directory.resolve("ca.key");
  }

  /** The local join token for the local edgecore's {@code modules.edgeHub.token} (0600). */
  public Path tokenFile() {
    return directory.resolve("token");
  }
}
