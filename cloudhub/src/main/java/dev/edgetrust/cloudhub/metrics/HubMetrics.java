package dev.edgetrust.cloudhub.metrics;

import dev.edgetrust.cloudhub.gateway.RelayObserver;
import dev.edgetrust.cloudhub.refusal.RefusalReason;

/**
 * What the CloudHub reports as it runs: handshakes, refusals, issued certificates, revocation
 * refreshes, server-certificate reloads, and (as a gateway) relayed sessions. The parts of the
 * CloudHub call this; {@link #NONE} (the default, {@code metrics.enable: false}) does nothing, so a
 * CloudHub without metrics pays one empty virtual call per event. {@link PrometheusHubMetrics}
 * counts them for {@code /metrics}.
 *
 * <p>Implementations are called on I/O threads: they must not block or allocate per call.
 */
public interface HubMetrics extends RelayObserver {
  HubMetrics NONE = new HubMetrics() {};

  /** The CloudHub's TLS listeners. */
  enum Listener {
    WEBSOCKET("websocket"),
    BOOTSTRAP("bootstrap"),
    ADMIN("admin");

    private final String label;

    Listener(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** How a TLS handshake ended. */
  enum HandshakeOutcome {
    SUCCESS("success"),
    /** The CloudHub refused it; a refusal with its reason is counted as well. */
    REFUSED("refused"),
    /** The client went away before it finished (a TCP probe, a client that gave up). */
    ABORTED("aborted");

    private final String label;

    HandshakeOutcome(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  default void handshake(Listener listener, HandshakeOutcome outcome) {}

  /** A node, or something posing as one, was turned away at any stage (TLS, upgrade, bootstrap). */
  default void refused(RefusalReason reason) {}

  /** The bootstrap endpoint issued a certificate: a first enrollment or a renewal. */
  default void issued(boolean renewal) {}

  /** A revocation-list refresh (periodic or on demand) ended. */
  default void revocationRefreshed(boolean success) {}

  /** Changed server certificate files were put into service, or refused (the old one stays). */
  default void serverCertificateReloaded(boolean accepted) {}
}
