package dev.edgetrust.pki;

import dev.edgetrust.x509.SerialNumbers;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate a PKI signed, with the chain up to (and including) the CA it was signed by.
 *
 * @param certificate the new leaf certificate
 * @param caChain the issuing CA first, then its issuers, ending at a trust anchor
 */
public record IssuedCertificate(X509Certificate certificate, List<X509Certificate> caChain) {
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    caChain = List.copyOf(caChain);
    if (caChain.isEmpty()) {
      throw new IllegalArgumentException("caChain is empty");
    }
  }

  public BigInteger serial() {
    return certificate.getSerialNumber();
  }

  /** The serial as Vault and OpenSSL print it: colon-separated lowercase hex bytes. */
  public String serialHex() {
    return SerialNumbers.toColonHex(certificate.getSerialNumber());
  }

  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }
}
