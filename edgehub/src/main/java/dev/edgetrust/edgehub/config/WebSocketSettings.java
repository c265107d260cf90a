package dev.edgetrust.edgehub.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.SecondsDeserializer;
import dev.edgetrust.config.Settings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code modules.edgeHub.websocket}: the connection to the CloudHub, with KubeEdge's defaults.
 *
 * @param server the CloudHub's {@code host:port}; required
 * @param handshakeTimeout limit for TCP connect, TLS and the WebSocket upgrade together (30s)
 * @param readDeadline added to two heartbeats: silence longer than that means the link is dead
 *     (15s)
 * @param writeDeadline a write that takes longer means the link is dead (15s)
 */
public record WebSocketSettings(
    ServerAddress server,
    Duration handshakeTimeout,
    Duration readDeadline,
    Duration writeDeadline) {
  public WebSocketSettings {
    Objects.requireNonNull(server, "server");
    Settings.positive("handshakeTimeout", handshakeTimeout);
    Settings.positive("readDeadline", readDeadline);
    Settings.positive("writeDeadline", writeDeadline);
  }

  /** KubeEdge's defaults, with no server yet (it is required). */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .server(server)
        .handshakeTimeout(handshakeTimeout)
        .readDeadline(readDeadline)
        .writeDeadline(writeDeadline);
  }

  /**
   * {@code modules.edgeHub.websocket} as written (Jackson binds the YAML keys to the annotated
   * setters; an empty value keeps the default), or as code sets it.
   */
  public static final class Builder {
    private boolean enable = true;
    private Optional<ServerAddress> server = Optional.empty();
    private Duration handshakeTimeout = Duration.ofSeconds(30);
    private Duration readDeadline = Duration.ofSeconds(15);
    private Duration writeDeadline = Duration.ofSeconds(15);

    private Builder() {}

    /** KubeEdge's switch between websocket and QUIC; the EdgeHub speaks websocket only. */
    @JsonSetter(value = "enable", nulls = Nulls.SKIP)
    public Builder enable(boolean on) {
      this.enable = on;
      return this;
    }

    public Builder server(ServerAddress address) {
      this.server = Optional.of(address);
      return this;
    }

    /**
     * @throws IllegalArgumentException "must be host:port ..." unless {@code hostPort} is one
     */
    @JsonSetter(value = "server", nulls = Nulls.SKIP)
    public Builder server(String hostPort) {
      this.server =
          hostPort.isBlank() ? Optional.empty() : Optional.of(ServerAddress.parse(hostPort));
      return this;
    }

    @JsonSetter(value = "handshakeTimeout", nulls = Nulls.SKIP)
    @JsonDeserialize(using = SecondsDeserializer.class)
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = timeout;
      return this;
    }

    @JsonSetter(value = "readDeadline", nulls = Nulls.SKIP)
    @JsonDeserialize(using = SecondsDeserializer.class)
    public Builder readDeadline(Duration deadline) {
      this.readDeadline = deadline;
      return this;
    }

    @JsonSetter(value = "writeDeadline", nulls = Nulls.SKIP)
    @JsonDeserialize(using = SecondsDeserializer.class)
    public Builder writeDeadline(Duration deadline) {
      this.writeDeadline = deadline;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the key (relative to the section) that is wrong
     */
    public WebSocketSettings build() {
      if (!enable) {
        throw new IllegalArgumentException(
            "'enable' is false, but the EdgeHub connects over websocket only; set it to true");
      }
      return new WebSocketSettings(
          server.orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "'server' is required: the CloudHub's host:port, e.g. 192.168.1.10:10000")),
          handshakeTimeout,
          readDeadline,
          writeDeadline);
    }
  }
}
