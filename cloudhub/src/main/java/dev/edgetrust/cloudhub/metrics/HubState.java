package dev.edgetrust.cloudhub.metrics;

import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.pki.RevocationList;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /metrics}, {@code /healthz} and {@code /readyz} read from the running CloudHub at the
 * moment of the request. Read at scrape time rather than pushed, so that a gauge can never disagree
 * with the hub: a node's expiry series exists exactly while its session does.
 */
public interface HubState {
  /** The live sessions. */
  List<SessionInfo> sessions();

  /**
   * How many live sessions use a certificate cloudcore issued (migration mode) rather than one
   * naming their node: the migration's progress.
   */
  default long cloudcoreSessions() {
    return 0;
  }

  /** The certificate new handshakes are served. */
  X509Certificate serverCertificate();

  /** The last good revocation list, if one was fetched. */
  Optional<RevocationList> revocationList();

  /**
   * Which revocation list is in force, where from (the PKI, or kept on disk by the last run) and
   * how old, in one line; empty before there is one.
   */
  Optional<String> revocationListInUse();

  /** Why every client certificate is refused now (the list fails closed), or empty. */
  Optional<String> revocationFailingClosed();

  /**
   * The listeners that should be open and are not (e.g. {@code websocket}); empty when all are up.
   */
  List<String> listenersDown();
}
