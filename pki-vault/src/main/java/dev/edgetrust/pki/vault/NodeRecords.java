package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultPaths;
import dev.edgetrust.pki.vault.http.VaultResponse;
import java.util.Objects;
import java.util.Optional;

/**
 * edgetrust's own state in Vault: a KV version 1 secrets engine ({@value #DEFAULT_MOUNT} by
 * default, enabled by {@code vault setup}) holding, per PKI mount, one entry per enrolled node
 * ({@code <mount>/<pki>/nodes/<NAME>}, see {@link EnrolledNode}) and the cert auth method's CRL
 * binding ({@code <mount>/<pki>/cert-auth}). Version 1 because entries are small, rewritten whole,
 * and need no history; a Vault admin reads them with {@code vault read edgetrust/pki/nodes/NAME}.
 * Nothing here is secret.
 */
public final class NodeRecords {
  /** The KV mount {@code vault setup} enables for edgetrust's state. */
  public static final String DEFAULT_MOUNT = "edgetrust";

  private final VaultClient client;
  private final VaultCredential credential;
  private final String stateMount;
  private final String pkiMount;

  NodeRecords(VaultClient client, VaultCredential credential, String stateMount, String pkiMount) {
    this.client = Objects.requireNonNull(client, "client");
    this.credential = Objects.requireNonNull(credential, "credential");
    this.stateMount = VaultPaths.mount(stateMount, "state mount");
    this.pkiMount = VaultPaths.mount(pkiMount, "PKI mount");
  }

  /** {@code <state>/<pki>/nodes/}: what the CloudHub's node-control policy grants. */
  static String nodesPrefix(String stateMount, String pkiMount) {
    return stateMount + "/" + pkiMount + "/nodes/";
  }

  /** {@code <state>/<pki>/cert-auth}. */
  static String certAuthPath(String stateMount, String pkiMount) {
    return stateMount + "/" + pkiMount + "/cert-auth";
  }

  /** Where the node's entry lives, for messages. */
  public String path(NodeName node) {
    return nodesPrefix(stateMount, pkiMount) + node.value();
  }

  /**
   * The node's entry, empty if enrollment wrote none (enrolled before edgetrust kept them).
   *
   * @throws PkiException refused if the entry is unreadable, naming the field
   */
  public Optional<EnrolledNode> read(NodeName node) throws PkiException {
    Optional<VaultResponse> r = client.readIfPresent(path(node), credential);
    if (r.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(EnrolledNode.fromJson(node, r.get().data()));
    } catch (IllegalArgumentException e) {
      throw PkiException.refused(
          "Vault's "
              + path(node)
              + " is not an edgetrust enrollment record ("
              + e.getMessage()
              + "): enroll the node again with ./edgetrust enroll "
              + node);
    }
  }

  /** Writes (replaces) the node's entry. */
  public void write(EnrolledNode record) throws PkiException {
    client.write(path(record.node()), record.toJson(), credential);
  }

  /**
   * The cert auth method (mount, CRL name) that {@code vault setup --cert-auth} bound the CRL to.
   */
  public record CertAuth(String mount, String crlName) {}

  Optional<CertAuth> certAuth() throws PkiException {
    Optional<VaultResponse> r =
        client.readIfPresent(certAuthPath(stateMount, pkiMount), credential);
    if (r.isEmpty()) {
      return Optional.empty();
    }
    JsonNode d = r.get().data();
    String mount = d.path("mount").asText("");
    String crl = d.path("crl_name").asText("");
    return mount.isEmpty() || crl.isEmpty()
        ? Optional.empty()
        : Optional.of(new CertAuth(mount, crl));
  }

  void writeCertAuth(CertAuth certAuth) throws PkiException {
    ObjectNode body = VaultClient.object();
    body.put("mount", certAuth.mount());
    body.put("crl_name", certAuth.crlName());
    client.write(certAuthPath(stateMount, pkiMount), body, credential);
  }
}
