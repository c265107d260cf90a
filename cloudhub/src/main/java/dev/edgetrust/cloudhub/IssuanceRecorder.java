package dev.edgetrust.cloudhub;

import dev.edgetrust.cloudhub.bootstrap.BootstrapHandler;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.revocation.NodeAccess;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;

/**
 * What {@code /edge.crt} does after it signed a certificate: the serial goes into the node
 * inventory (so that a later block revokes it), the metrics count the issuance, and the CloudHub's
 * listener is told.
 */
final class IssuanceRecorder implements BootstrapHandler.IssuanceListener {
  private final NodeAccess access;
  private final HubMetrics metrics;
  private final CloudHubListener listener;

  IssuanceRecorder(NodeAccess access, HubMetrics metrics, CloudHubListener listener) {
    this.access = access;
    this.metrics = metrics;
    this.listener = listener;
  }

  @Override
  public void issued(NodeName node, IssuedCertificate certificate, boolean renewal) {
    access.issued(node, certificate);
    metrics.issued(renewal);
    listener.onIssued(node, certificate, renewal);
  }

  @Override
  public void converted(
      NodeName node, java.security.cert.X509Certificate cloudcore, IssuedCertificate issued) {
    access
        .audit()
        .record(
            dev.edgetrust.cloudhub.audit.AuditLog.certificateId(cloudcore),
            "legacy-convert",
            node,
            "done",
            "renewed into serial " + issued.serialHex() + " naming the node (migration)");
  }
}
