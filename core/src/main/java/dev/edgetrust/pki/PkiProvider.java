package dev.edgetrust.pki;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * A certificate authority edgetrust can use: the seam between the CloudHub/EdgeHub and whoever
 * signs their certificates (the built-in CA, HashiCorp Vault, ...).
 *
 * <p>Keys are generated where they are used; only CSRs reach a provider. Signing and the trust
 * anchors are what every PKI does; the rest are optional capabilities a provider offers through the
 * {@code Optional} accessors ({@link #bootstrap()}, {@link #revocation()}, {@link #blocking()},
 * {@link #inventory()}), so that a caller sees what a PKI cannot do before it asks.
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

  /**
   * The KubeEdge bootstrap ({@code /ca.crt}, {@code /edge.crt} with join tokens) this provider
   * supports, if it supports one.
   */
  default Optional<BootstrapEnrollment> bootstrap() {
    return Optional.empty();
  }

  /** How this PKI revokes certificates and publishes its list, if it can. */
  default Optional<Revocation> revocation() {
    return Optional.empty();
  }

  /** How this PKI refuses a lost node's renewal credential, if it can. */
  default Optional<NodeBlocking> blocking() {
    return Optional.empty();
  }

  /** Which certificates this PKI remembers issuing to each node, if it keeps such a list. */
  default Optional<IssuedSerialInventory> inventory() {
    return Optional.empty();
  }

  @Override
  default void close() {}
}
