package dev.edgetrust.cloudhub.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Csr;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code GET /edge.crt} request, parsed and checked apart from who sent it: the node named in
 * {@code NodeName}, the CSR in the body, the usages asked for in {@code ExtKeyUsages}.
 *
 * <p>Whatever {@code ExtKeyUsages} asks for, a node gets a client certificate only (cloudcore
 * honours {@code [1]}, server auth; a stock edgecore sends no header). The request is answered, not
 * refused, so a client that asks for both still works; {@link #askedBeyondClientAuth()} lets the
 * handler say so in the log. Usages edgetrust does not know at all are still a 400.
 *
 * <p>The CSR's subject is never used for the certificate, but a CSR that names a <em>different</em>
 * node is a request to impersonate it and is refused outright.
 */
record EdgeCertificateRequest(NodeName node, Csr csr, Set<CertificateUsage> askedFor) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a request was refused, and with which HTTP status. */
  static final class Refusal extends Exception {
    final int status;
    final RefusalReason reason;

    /**
     * A refusal whose kind follows from its status: 400 bad request, 401 bad token, 429 rate
     * limited.
     */
    Refusal(int status, String message) {
      this(
          status,
          message,
          switch (status) {
            case 400, 413 -> RefusalReason.BAD_REQUEST;
            case 401 -> RefusalReason.BAD_TOKEN;
            case 429 -> RefusalReason.RATE_LIMITED;
            default -> RefusalReason.OTHER;
          });
    }

    Refusal(int status, String message, RefusalReason reason) {
      super(message);
      this.status = status;
      this.reason = reason;
    }
  }

  static EdgeCertificateRequest parse(String nodeNameHeader, String usagesHeader, byte[] body)
      throws Refusal {
    if (nodeNameHeader == null || nodeNameHeader.isBlank()) {
      throw new Refusal(400, "missing NodeName header");
    }
    NodeName node;
    try {
      node = NodeName.of(nodeNameHeader.trim());
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "NodeName header: " + e.getMessage());
    }
    Csr csr;
    try {
      csr = Csr.parseDer(body);
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "invalid CSR: " + e.getMessage());
    }
    Optional<String> commonName = csr.commonName();
    if (commonName.isPresent()
        && commonName.get().startsWith(NodeName.COMMON_NAME_PREFIX)
        && !commonName.get().equals(node.commonName())) {
      throw new Refusal(
          403,
          "CSR names '"
              + NodeName.printable(commonName.get())
              + "' but the request is for node '"
              + node
              + "'; a node may only request its own name",
          RefusalReason.NODE_MISMATCH);
    }
    return new EdgeCertificateRequest(node, csr, usages(usagesHeader));
  }

  /** Whether {@code ExtKeyUsages} asked for more than the client auth a node gets. */
  boolean askedBeyondClientAuth() {
    return !askedFor.equals(Set.of(CertificateUsage.CLIENT_AUTH));
  }

  private static Set<CertificateUsage> usages(String header) throws Refusal {
    if (header == null || header.isBlank()) {
      return EnumSet.of(CertificateUsage.CLIENT_AUTH);
    }
    try {
      JsonNode array = JSON.readTree(header);
      if (array == null || !array.isArray() || array.isEmpty()) {
        throw new Refusal(400, "ExtKeyUsages must be a non-empty JSON array");
      }
      Set<CertificateUsage> usages = EnumSet.noneOf(CertificateUsage.class);
      for (JsonNode u : array) {
        usages.add(CertificateUsage.parse(u.asText()));
      }
      return usages;
    } catch (Refusal r) {
      throw r;
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, "ExtKeyUsages: " + e.getMessage());
    } catch (Exception e) {
      throw new Refusal(400, "ExtKeyUsages is not a JSON array");
    }
  }
}
