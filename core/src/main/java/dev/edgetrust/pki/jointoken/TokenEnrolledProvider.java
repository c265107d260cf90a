package dev.edgetrust.pki.jointoken;

import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.IssuedSerialInventory;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.Revocation;
import dev.edgetrust.pki.SigningRequest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A PKI that signs but has no bootstrap of its own (CFSSL), offering the CloudHub's join-token
 * {@link TokenEnrollment}: the CloudHub then serves {@code /ca.crt} and {@code /edge.crt}, checks
 * tokens and renewals itself, and signs each node's certificate through the PKI. Everything else is
 * the PKI's own, capabilities included.
 */
public final class TokenEnrolledProvider implements PkiProvider {
  private final PkiProvider pki;
  private final TokenEnrollment enrollment;

  public TokenEnrolledProvider(PkiProvider pki, TokenEnrollment enrollment) {
    this.pki = Objects.requireNonNull(pki, "pki");
    this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
  }

  @Override
  public String name() {
    return pki.name();
  }

  @Override
  public IssuedCertificate sign(SigningRequest request) throws PkiException {
    return pki.sign(request);
  }

  @Override
  public List<X509Certificate> trustAnchors() throws PkiException {
    return pki.trustAnchors();
  }

  @Override
  public Optional<BootstrapEnrollment> bootstrap() {
    return Optional.of(enrollment);
  }

  @Override
  public Optional<Revocation> revocation() {
    return pki.revocation();
  }

  @Override
  public Optional<NodeBlocking> blocking() {
    return pki.blocking();
  }

  @Override
  public Optional<IssuedSerialInventory> inventory() {
    return pki.inventory();
  }

  @Override
  public void close() {
    pki.close();
  }

  @Override
  public String toString() {
    return pki + " with join-token enrollment at the CloudHub";
  }
}
