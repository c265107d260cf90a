package dev.edgetrust.cloudhub.identity;

import dev.edgetrust.cloudhub.refusal.Refusal;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.NodeName;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** Which node a client certificate speaks for, or why it speaks for none. */
public sealed interface Identification permits Identification.Node, Identification.Refused {

  /** The node {@code certificate} names ({@code CN=system:node:<name>}), or why it names none. */
  static Identification byName(X509Certificate certificate) {
    try {
      return new Node(NodeName.fromCertificate(certificate), IdentitySource.CERTIFICATE_NAME);
    } catch (IllegalArgumentException e) {
      return new Refused(
          new Refusal(
              RefusalReason.NOT_A_NODE,
              "client certificate does not name a node: " + e.getMessage()));
    }
  }

  /** The certificate speaks for {@code node}. */
  record Node(NodeName node, IdentitySource source) implements Identification {
    public Node {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(source, "source");
    }
  }

  /** It speaks for no node here; {@code refusal} says why, in one line. */
  record Refused(Refusal refusal) implements Identification {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }
}
