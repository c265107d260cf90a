package dev.edgetrust.cloudhub;

import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.metrics.HubState;
import dev.edgetrust.cloudhub.revocation.NodeAccess;
import dev.edgetrust.cloudhub.websocket.Session;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.pki.RevocationList;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** What the metrics listener reads from a running CloudHub, at the moment of each request. */
record LiveHubState(SessionRegistry registry, ServerTls tls, NodeAccess access, Listeners listeners)
    implements HubState {
  @Override
  public List<SessionInfo> sessions() {
    return registry.all().stream().map(Session::info).toList();
  }

  @Override
  public long cloudcoreSessions() {
    return registry.all().stream()
        .filter(
            s ->
                !dev.edgetrust.pki.NodeName.isNodeSubject(
                    s.certificate().getSubjectX500Principal()))
        .count();
  }

  @Override
  public X509Certificate serverCertificate() {
    return tls.server().certificate();
  }

  @Override
  public Optional<RevocationList> revocationList() {
    return access.revocationList();
  }

  @Override
  public Optional<String> revocationListInUse() {
    return access.revocationListInUse();
  }

  @Override
  public Optional<String> revocationFailingClosed() {
    return access.failingClosed();
  }

  /** In readiness words: the bootstrap is {@code bootstrap}; metrics is the one answering. */
  @Override
  public List<String> listenersDown() {
    return listeners.down(List.of("websocket", "https", "admin")).stream()
        .map(name -> name.equals("https") ? "bootstrap" : name)
        .toList();
  }
}
