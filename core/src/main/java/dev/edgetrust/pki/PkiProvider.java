package dev.edgetrust.pki;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * A certificate authority edgetrust can use: the seam between the CloudHub/EdgeHub and whoever
 * signs their certificates (the built-in CA, HashiCorp Vault, ...).
 *
 * <p>Keys are generated where they are used; only CSRs reach a provider.
 */
public interface PkiProvider extends AutoCloseable {
  /** A short name for logs and the CLI: {@code builtin}, {@code vault}, ... */
  String name();

  /**
   * Signs {@code request}, with the subject, usages and names it carries (not the CSR's own).
   *
   * @throws PkiException if the PKI refuses or cannot be reached
   */
  IssuedCertificate sign(SigningRequest request) throws PkiException;

  /** The CA certificates a peer's chain must lead to. */
  List<X509Certificate> trustAnchors() throws PkiException;

  /** The KubeEdge bootstrap this provider supports, if it supports one. */
  default Optional<BootstrapEnrollment> bootstrap() {
    return Optional.empty();
  }

  @Override
  default void close() {}
}
