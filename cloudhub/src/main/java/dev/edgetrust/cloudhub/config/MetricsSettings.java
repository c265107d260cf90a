package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.IpAddress;
import dev.edgetrust.config.PortDeserializer;
import java.util.Objects;

/**
 * {@code metrics}: the Prometheus {@code /metrics}, {@code /healthz} and {@code /readyz} listener;
 * off unless {@code enable} is true. {@code address} 127.0.0.1, {@code port} 10008.
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
public record MetricsSettings(
    Boolean enable,
    @JsonDeserialize(using = IpAddress.LiteralDeserializer.class) String address,
    @JsonDeserialize(using = PortDeserializer.class) Integer port) {
  public static final int DEFAULT_PORT = 10008;
  public static final MetricsSettings OFF = new MetricsSettings(false, null, null);

  public MetricsSettings {
    enable = enable != null && enable;
    address = Objects.requireNonNullElse(address, "127.0.0.1");
    port = Objects.requireNonNullElse(port, DEFAULT_PORT);
  }

  /** On at {@code address}:{@code port} (0: any free port). */
  public static MetricsSettings on(String address, int port) {
    return new MetricsSettings(true, address, port);
  }

  public boolean enabled() {
    return enable;
  }
}
