package dev.edgetrust.cloudhub.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * edgetrust: {@code reconnectAfterRotation}. After the server certificate is replaced, make live
 * sessions reconnect so every node verifies the new one, spread over {@code window} (5m) so they do
 * not all return at once. Off by default: sessions simply stay on the certificate they started
 * with.
 */
public record ReconnectAfterRotation(Boolean enable, Duration window) {
  public static final ReconnectAfterRotation OFF = new ReconnectAfterRotation(false, null);

  public ReconnectAfterRotation {
    enable = enable != null && enable;
    window = Objects.requireNonNullElse(window, Duration.ofMinutes(5));
    if (window.isZero()) {
      throw new IllegalArgumentException("'window' must be longer than 0");
    }
  }

  /** On, spread over {@code window}. */
  public static ReconnectAfterRotation within(Duration window) {
    return new ReconnectAfterRotation(true, window);
  }

  /** The window when on; empty: sessions stay. */
  public Optional<Duration> reconnectWindow() {
    return enable ? Optional.of(window) : Optional.empty();
  }
}
