package dev.edgetrust.pki.builtin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the built-in CA keeps its state: the CA certificate and key (KubeEdge's {@code tlsCAFile}
 * and {@code tlsCAKeyFile}) and, beside the key, the secret join tokens are signed with, the CRL,
 * the blocklist of nodes, the inventory of serials issued per node and the ids of node-bound join
 * tokens already used.
 */
public record BuiltinCaFiles(
    Path caCertificate,
    Path caKey,
    Path tokenSecret,
    Path crl,
    Path blocklist,
    Path issuedSerials,
    Path usedJoinTokens) {
  public BuiltinCaFiles {
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(caKey, "caKey");
    Objects.requireNonNull(tokenSecret, "tokenSecret");
    Objects.requireNonNull(crl, "crl");
    Objects.requireNonNull(blocklist, "blocklist");
    Objects.requireNonNull(issuedSerials, "issuedSerials");
    Objects.requireNonNull(usedJoinTokens, "usedJoinTokens");
  }

  /** The CA and token secret as given, the revocation state beside the CA key. */
  public BuiltinCaFiles(Path caCertificate, Path caKey, Path tokenSecret) {
    this(
        caCertificate,
        caKey,
        tokenSecret,
        caKey.resolveSibling("crl.pem"),
        caKey.resolveSibling("blocked-nodes.json"),
        caKey.resolveSibling("issued-serials.json"),
        caKey.resolveSibling("used-join-tokens.json"));
  }

  /**
   * The CA files as configured; beside the CA key: the token secret {@code join-token.key}, the CRL
   * {@code crl.pem}, the blocklist {@code blocked-nodes.json}, {@code issued-serials.json} and
   * {@code used-join-tokens.json}.
   */
  public static BuiltinCaFiles of(Path caCertificate, Path caKey) {
    return new BuiltinCaFiles(caCertificate, caKey, caKey.resolveSibling("join-token.key"));
  }
}
