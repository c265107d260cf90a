package dev.edgetrust.edgehub.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.ConfigPathDeserializer;
import dev.edgetrust.config.SecondsDeserializer;
import dev.edgetrust.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code modules.edgeHub.gateway}: the EdgeHub as a cloudcore-compatible server for one local stock
 * edgecore, always on 127.0.0.1 only, relaying it over its own session. The ports default to
 * cloudcore's (10000 WebSocket, 10002 HTTPS bootstrap), so the local edgecore.yaml changes only its
 * host. Off by default: {@link EdgeHubSettings#gateway()} is empty unless {@code enable: true}.
 *
 * @param port the local WebSocket server's port on 127.0.0.1 (0: any free port, for tests)
 * @param httpsPort the local {@code /ca.crt} and {@code /edge.crt} port on 127.0.0.1 (0: any)
 * @param directory the local CA and the local join token; 0700, never leaves the host
 * @param maxBufferedBytes what the gateway holds for the local edgecore, written but not yet taken,
 *     or waiting while it is away, before it acts
 * @param keepaliveInterval silence from the local edgecore after which its session is closed, as
 *     cloudcore's {@code keepaliveInterval}
 */
public record GatewaySettings(
    int port, int httpsPort, Path directory, int maxBufferedBytes, Duration keepaliveInterval) {
  public static final int DEFAULT_PORT = 10000;
  public static final int DEFAULT_HTTPS_PORT = 10002;
  public static final String DEFAULT_DIRECTORY = "/etc/kubeedge/edgetrust-gateway";
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 4 << 20;
  public static final int DEFAULT_KEEPALIVE_SECONDS = 30;

  public GatewaySettings {
    Settings.port("port", port, DEFAULT_PORT);
    Settings.port("httpsPort", httpsPort, DEFAULT_HTTPS_PORT);
    directory = directory.toAbsolutePath();
    Settings.positive("maxBufferedBytes", maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES);
    Settings.positive("keepaliveInterval", keepaliveInterval);
  }

  /** KubeEdge-style defaults, off; as an empty {@code gateway:} section reads. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, on. */
  public Builder toBuilder() {
    return new Builder()
        .enable(true)
        .port(port)
        .httpsPort(httpsPort)
        .directory(directory)
        .maxBufferedBytes(maxBufferedBytes)
        .keepaliveInterval(keepaliveInterval);
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

  /**
   * {@code modules.edgeHub.gateway} as written (Jackson binds the YAML keys to the annotated
   * setters; an empty value keeps the default), or as code sets it.
   */
  public static final class Builder {
    private boolean enable;
    private int port = DEFAULT_PORT;
    private int httpsPort = DEFAULT_HTTPS_PORT;
    private Path directory = Path.of(DEFAULT_DIRECTORY);
    private int maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private Duration keepaliveInterval = Duration.ofSeconds(DEFAULT_KEEPALIVE_SECONDS);

    private Builder() {}

    @JsonSetter(value = "enable", nulls = Nulls.SKIP)
    public Builder enable(boolean on) {
      this.enable = on;
      return this;
    }

    @JsonSetter(value = "port", nulls = Nulls.SKIP)
    public Builder port(int localPort) {
      this.port = localPort;
      return this;
    }

    @JsonSetter(value = "httpsPort", nulls = Nulls.SKIP)
    public Builder httpsPort(int localPort) {
      this.httpsPort = localPort;
      return this;
    }

    @JsonSetter(value = "directory", nulls = Nulls.SKIP)
    @JsonDeserialize(using = ConfigPathDeserializer.class)
    public Builder directory(Path dir) {
      this.directory = dir;
      return this;
    }

    @JsonSetter(value = "maxBufferedBytes", nulls = Nulls.SKIP)
    public Builder maxBufferedBytes(int bytes) {
      this.maxBufferedBytes = bytes;
      return this;
    }

    @JsonSetter(value = "keepaliveInterval", nulls = Nulls.SKIP)
    @JsonDeserialize(using = SecondsDeserializer.class)
    public Builder keepaliveInterval(Duration silence) {
      this.keepaliveInterval = silence;
      return this;
    }

    boolean enabled() {
      return enable;
    }

    /**
     * @throws IllegalArgumentException naming the key (relative to the section) that is wrong
     */
    public GatewaySettings build() {
      GatewaySettings settings =
          new GatewaySettings(port, httpsPort, directory, maxBufferedBytes, keepaliveInterval);
      if (enable && port != 0 && port == httpsPort) {
        throw new IllegalArgumentException(
            "'port' and 'httpsPort' are both "
                + port
                + ": the WebSocket server and /edge.crt need a port each");
      }
      return settings;
    }
  }
}
