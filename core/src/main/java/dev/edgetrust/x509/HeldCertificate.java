package dev.edgetrust.x509;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain and the private key of its leaf, as this machine holds them.
 *
 * <p>{@link #toString()} never shows the key.
 */
public final class HeldCertificate {
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  /**
   * @throws IllegalArgumentException if the chain is empty or the key does not match its leaf
   */
  public HeldCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.chain = List.copyOf(chain);
    if (this.chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    if (!Certificates.matches(privateKey, this.chain.get(0))) {
      throw new IllegalArgumentException("private key does not match the certificate");
    }
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The leaf first, then its issuers. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  public String serialHex() {
    return SerialNumbers.toColonHex(certificate().getSerialNumber());
  }

  public Instant notBefore() {
    return certificate().getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return certificate().getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    return "HeldCertificate["
        + certificate().getSubjectX500Principal().getName()
        + ", serial "
        + serialHex()
        + ", notAfter "
        + notAfter()
        + "]";
  }
}
