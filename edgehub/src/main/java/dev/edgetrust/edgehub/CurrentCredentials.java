package dev.edgetrust.edgehub;

import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import io.netty.handler.ssl.SslContext;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hand-off of credentials from the credential thread to everyone else: the {@link
 * CredentialLifecycle} alone publishes; the {@link CloudLink} (on the event loop) dials with what
 * it reads, and the {@link StatusBoard} shows it. What is published is immutable, so a reader
 * always sees a certificate together with the TLS context built from it.
 */
final class CurrentCredentials {
  /**
   * One certificate in use.
   *
   * @param credentials the key, certificate and pinned CA
   * @param tls the client TLS context built from them; sessions are told apart by it
   * @param rotations how many renewals since start led here
   */
  record InUse(NodeCredentials credentials, SslContext tls, int rotations) {
    InUse {
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(tls, "tls");
    }
  }

  private final AtomicReference<Optional<InUse>> published =
      new AtomicReference<>(Optional.empty());

  /** The credentials in use; empty until the first enrollment (or read from disk) succeeded. */
  Optional<InUse> get() {
    return published.get();
  }

  /** Called by the {@link CredentialLifecycle} only, on its thread. */
  void publish(InUse next) {
    published.set(Optional.of(next));
  }

  /** Whether {@code credentials} are still the ones in use. */
  boolean isCurrent(NodeCredentials credentials) {
    return published.get().map(InUse::credentials).filter(c -> c == credentials).isPresent();
  }
}
