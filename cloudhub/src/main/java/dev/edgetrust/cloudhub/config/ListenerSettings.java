package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.IpAddress;
import dev.edgetrust.config.PortDeserializer;
import java.util.Objects;

/**
 * KubeEdge's {@code enable}/{@code address}/{@code port} listener section ({@code websocket}).
 *
 * @param enable whether it listens (true unless written false)
 * @param address an IP literal (0.0.0.0 unless written)
 * @param port 0 for any free one
 */
public record ListenerSettings(
    Boolean enable,
    @JsonDeserialize(using = IpAddress.LiteralDeserializer.class) String address,
    @JsonDeserialize(using = PortDeserializer.class) Integer port) {
  /** KubeEdge's WebSocket port. */
  public static final int WEBSOCKET_PORT = 10000;

  public ListenerSettings {
    enable = enable == null || enable;
    address = Objects.requireNonNullElse(address, "0.0.0.0");
    port = Objects.requireNonNullElse(port, WEBSOCKET_PORT);
  }

  /** Listening on {@code address}:{@code port}. */
  public static ListenerSettings on(String address, int port) {
    return new ListenerSettings(true, address, port);
  }

  /** Not listening at all. */
  public static ListenerSettings off() {
    return new ListenerSettings(false, null, null);
  }

  public boolean enabled() {
    return enable;
  }

  public ListenerSettings withPort(int value) {
    return new ListenerSettings(enable, address, value);
  }
}
