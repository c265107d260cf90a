package dev.edgetrust.pki.vault;

import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to ask Vault's {@code issue/<role>} for, where Vault generates the key (an option; the
 * default is to sign a CSR made where the key lives).
 *
 * @param commonName the subject CN
 * @param usages the extended key usages the certificate must carry
 * @param dnsNames DNS subject alternative names
 * @param ipAddresses IP subject alternative names
 * @param ttl the lifetime asked for; the role may cap it
 */
public record IssueRequest(
    String commonName,
    Set<CertificateUsage> usages,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    Duration ttl) {

  public IssueRequest {
    Objects.requireNonNull(commonName, "commonName");
    if (commonName.isBlank()) {
      throw new IllegalArgumentException("commonName is empty");
    }
    usages = Set.copyOf(usages);
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    if (usages.isEmpty()) {
      throw new IllegalArgumentException("usages is empty");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    // As SigningRequest: a node's certificate is a client certificate only, on every path.
    if (commonName.startsWith(NodeName.COMMON_NAME_PREFIX)
        && (!usages.equals(Set.of(CertificateUsage.CLIENT_AUTH))
            || !dnsNames.isEmpty()
            || !ipAddresses.isEmpty())) {
      throw new IllegalArgumentException(
          "a node certificate is a client certificate only: "
              + commonName
              + " may not carry usages "
              + usages
              + (dnsNames.isEmpty() && ipAddresses.isEmpty()
                  ? ""
                  : " or subject alternative names"));
    }
  }

  /** A node's client certificate: {@code CN=system:node:<node>}. */
  public static IssueRequest forNode(NodeName node, Duration ttl) {
    return new IssueRequest(
        node.commonName(), EnumSet.of(CertificateUsage.CLIENT_AUTH), List.of(), List.of(), ttl);
  }
}
