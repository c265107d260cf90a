package dev.edgetrust.pki.builtin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the built-in CA keeps its state: the CA certificate and key (KubeEdge's {@code tlsCAFile}
 * and {@code tlsCAKeyFile}) and, beside the key, the secret join tokens are signed with.
 */
public record BuiltinCaFiles(Path caCertificate, Path caKey, Path tokenSecret) {
  public BuiltinCaFiles {
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(caKey, "caKey");
    Objects.requireNonNull(tokenSecret, "tokenSecret");
  }

  /** The CA files as configured, with the token secret {@code join-token.key} beside the CA key. */
  public static BuiltinCaFiles of(Path caCertificate, Path caKey) {
    return new BuiltinCaFiles(caCertificate, caKey, caKey.resolveSibling("join-token.key"));
  }
}
