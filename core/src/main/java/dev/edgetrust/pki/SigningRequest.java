package dev.edgetrust.pki;

import dev.edgetrust.x509.Csr;
import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * What to sign: a CSR (proof that the requester holds the key) and the subject the <em>caller</em>
 * decided on. The CSR's own subject is never used: the CloudHub, not the requester, decides who a
 * certificate names.
 *
 * @param subject the subject to issue to
 * @param csr the requester's CSR; only its public key is taken
 * @param usages extended key usages; never empty, and exactly client auth for a node subject
 * @param dnsNames DNS subject alternative names (server certificates)
 * @param ipAddresses IP subject alternative names (server certificates)
 * @param ttl the lifetime asked for; a provider may shorten it to its policy's maximum
 */
public record SigningRequest(
    X500Principal subject,
    Csr csr,
    Set<CertificateUsage> usages,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    Duration ttl) {

  public SigningRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(csr, "csr");
    usages = Set.copyOf(usages);
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    Objects.requireNonNull(ttl, "ttl");
    if (usages.isEmpty()) {
      throw new IllegalArgumentException("usages is empty");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    // The lowest seam every provider signs through: whatever a caller (or a header it parsed)
    // asked for, no node can get a certificate an edge or the admin CLI would take for a server's.
    if (NodeName.isNodeSubject(subject)
        && (!usages.equals(NODE_USAGES) || !dnsNames.isEmpty() || !ipAddresses.isEmpty())) {
      throw new IllegalArgumentException(
          "a node certificate is a client certificate only: "
              + subject.getName()
              + " may not carry usages "
              + usages
              + (dnsNames.isEmpty() && ipAddresses.isEmpty()
                  ? ""
                  : " or subject alternative names"));
    }
  }

  /** The only usage a node certificate carries. */
  public static final Set<CertificateUsage> NODE_USAGES = Set.of(CertificateUsage.CLIENT_AUTH);

  /**
   * A node's client certificate: {@code CN=system:node:<node>, O=system:nodes}, client auth only.
   */
  public static SigningRequest forNode(NodeName node, Csr csr, Duration ttl) {
    return new SigningRequest(node.subject(), csr, NODE_USAGES, List.of(), List.of(), ttl);
  }

  /**
   * As {@link #forNode(NodeName, Csr, Duration)}, for callers that spell the usage out.
   *
   * @throws IllegalArgumentException unless {@code usages} is exactly client auth
   */
  public static SigningRequest forNode(
      NodeName node, Csr csr, Set<CertificateUsage> usages, Duration ttl) {
    return new SigningRequest(node.subject(), csr, usages, List.of(), List.of(), ttl);
  }

  /** A CloudHub server certificate for the given names and addresses. */
  public static SigningRequest forServer(
      String commonName, Csr csr, List<String> dnsNames, List<InetAddress> ips, Duration ttl) {
    return new SigningRequest(
        new X500Principal("CN=" + javax.naming.ldap.Rdn.escapeValue(commonName)),
        csr,
        EnumSet.of(CertificateUsage.SERVER_AUTH),
        dnsNames,
        ips,
        ttl);
  }
}
