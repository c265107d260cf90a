package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.IpAddress;
import dev.edgetrust.config.PortDeserializer;
import java.util.Objects;
import java.util.Optional;

/**
 * The bootstrap listener ({@code https}): KubeEdge's {@code enable}/{@code address}/{@code port},
 * and edgetrust's {@code rateLimit} (on unless {@code rateLimit.enable} is false).
 */
public record HttpsSettings(
    Boolean enable,
    @JsonDeserialize(using = IpAddress.LiteralDeserializer.class) String address,
    @JsonDeserialize(using = PortDeserializer.class) Integer port,
    BootstrapRateLimit rateLimit) {
  /** KubeEdge's bootstrap port. */
  public static final int PORT = 10002;

  public HttpsSettings {
    enable = enable == null || enable;
    address = Objects.requireNonNullElse(address, "0.0.0.0");
    port = Objects.requireNonNullElse(port, PORT);
    rateLimit = Objects.requireNonNullElse(rateLimit, BootstrapRateLimit.DEFAULT);
  }

  /** Listening on {@code address}:{@code port} with the default rate limit. */
  public static HttpsSettings on(String address, int port) {
    return new HttpsSettings(true, address, port, null);
  }

  /** Not listening at all. */
  public static HttpsSettings off() {
    return new HttpsSettings(false, null, null, null);
  }

  public boolean enabled() {
    return enable;
  }

  /** The per-address rate limit, or empty when it is turned off. */
  public Optional<BootstrapRateLimit> bootstrapRateLimit() {
    return rateLimit.enable() ? Optional.of(rateLimit) : Optional.empty();
  }

  public HttpsSettings withPort(int value) {
    return new HttpsSettings(enable, address, value, rateLimit);
  }

  public HttpsSettings withRateLimit(BootstrapRateLimit value) {
    return new HttpsSettings(enable, address, port, value);
  }

  /** No limit at all: a load test that drives hundreds of nodes from 127.0.0.1. */
  public HttpsSettings withoutRateLimit() {
    return withRateLimit(BootstrapRateLimit.OFF);
  }
}
