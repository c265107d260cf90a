package dev.edgetrust.cloudhub.events;

import dev.edgetrust.pki.NodeName;
import java.net.SocketAddress;
import java.time.Instant;

/**
 * One authenticated node session, as operators see it in {@code node list}.
 *
 * @param serialHex the serial of the certificate the node connected with
 * @param certificateNotAfter when that certificate expires
 */
public record SessionInfo(
    NodeName node,
    String serialHex,
    Instant certificateNotAfter,
    Instant connectedAt,
    SocketAddress remote) {}
