package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One API request as Vault's router sees it.
 *
 * @param operation read, list, update or delete (create is decided per path by existence)
 * @param path the path after {@code /v1/}, no query
 * @param body the JSON body; empty object if none
 * @param token the {@code X-Vault-Token}, if any
 * @param peerCertificates the client certificate chain of the TLS session, if any
 */
record Request(
    String operation,
    String path,
    ObjectNode body,
    Optional<String> token,
    List<X509Certificate> peerCertificates) {
  static final String READ = "read";
  static final String LIST = "list";
  static final String UPDATE = "update";
  static final String DELETE = "delete";

  Request {
    peerCertificates = List.copyOf(peerCertificates);
  }

  boolean is(String op) {
    return operation.equals(op);
  }
}
