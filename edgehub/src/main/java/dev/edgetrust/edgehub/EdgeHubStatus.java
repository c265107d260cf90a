package dev.edgetrust.edgehub;

import dev.edgetrust.pki.NodeName;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of the EdgeHub, for status lines and the demo summary.
 *
 * @param state the connection state
 * @param node this node
 * @param certificateSerial the serial (colon hex) of the certificate in use, if there is one yet
 * @param certificateNotAfter when that certificate expires
 * @param rotations how many times the certificate was renewed since start
 * @param queued messages accepted by {@link EdgeHub#send} and not yet written
 * @param detail the last thing worth knowing (why a connection failed, a renewal error), or empty
 */
public record EdgeHubStatus(
    ConnectionState state,
    NodeName node,
    Optional<String> certificateSerial,
    Optional<Instant> certificateNotAfter,
    int rotations,
    int queued,
    Optional<String> detail) {
  public EdgeHubStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(certificateSerial, "certificateSerial");
    Objects.requireNonNull(certificateNotAfter, "certificateNotAfter");
    Objects.requireNonNull(detail, "detail");
  }
}
