package dev.edgetrust.cloudhub.revocation;

import dev.edgetrust.pki.NodeName;
import java.time.Instant;

/**
 * One row of {@code node list}.
 *
 * @param since when the live session began; {@code null} when not connected
 * @param serialHex the serial of the certificate in use (connected) or seen last; {@code null} if
 *     none is known
 * @param expiry when that certificate expires; {@code null} if none is known
 * @param cloudcore whether that certificate is one cloudcore issued, admitted in migration mode:
 *     the node has not moved to a certificate naming it yet
 */
public record NodeStatus(
    NodeName node,
    boolean connected,
    Instant since,
    String serialHex,
    Instant expiry,
    boolean blocked,
    boolean cloudcore) {}
