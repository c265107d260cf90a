package dev.edgetrust.credential;

import java.math.BigInteger;
import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Set;

/**
 * A real certificate that refuses to be encoded: put in a chain, it makes {@link
 * KeyCertificateFiles#write} fail after it has staged the key and before it stages the certificate,
 * which stands in for a crash at that point without killing the test JVM.
 */
final class UnencodableCertificate extends X509Certificate {
  private final X509Certificate delegate;

  UnencodableCertificate(X509Certificate delegate) {
    this.delegate = delegate;
  }

  @Override
  public byte[] getEncoded() throws CertificateEncodingException {
    throw new CertificateEncodingException("injected failure");
  }

  @Override
  public void checkValidity()
      throws java.security.cert.CertificateExpiredException,
          java.security.cert.CertificateNotYetValidException {
    delegate.checkValidity();
  }

  @Override
  public void checkValidity(Date date)
      throws java.security.cert.CertificateExpiredException,
          java.security.cert.CertificateNotYetValidException {
    delegate.checkValidity(date);
  }

  @Override
  public int getVersion() {
    return delegate.getVersion();
  }

  @Override
  public BigInteger getSerialNumber() {
    return delegate.getSerialNumber();
  }

  @SuppressWarnings("deprecation")
  @Override
  public Principal getIssuerDN() {
    return delegate.getIssuerDN();
  }

  @SuppressWarnings("deprecation")
  @Override
  public Principal getSubjectDN() {
    return delegate.getSubjectDN();
  }

  @Override
  public Date getNotBefore() {
    return delegate.getNotBefore();
  }

  @Override
  public Date getNotAfter() {
    return delegate.getNotAfter();
  }

  @Override
  public byte[] getTBSCertificate() throws java.security.cert.CertificateEncodingException {
    return delegate.getTBSCertificate();
  }

  @Override
  public byte[] getSignature() {
    return delegate.getSignature();
  }

  @Override
  public String getSigAlgName() {
    return delegate.getSigAlgName();
  }

  @Override
  public String getSigAlgOID() {
    return delegate.getSigAlgOID();
  }

  @Override
  public byte[] getSigAlgParams() {
    return delegate.getSigAlgParams();
  }

  @Override
  public boolean[] getIssuerUniqueID() {
    return delegate.getIssuerUniqueID();
  }

  @Override
  public boolean[] getSubjectUniqueID() {
    return delegate.getSubjectUniqueID();
  }

  @Override
  public boolean[] getKeyUsage() {
    return delegate.getKeyUsage();
  }

  @Override
  public int getBasicConstraints() {
    return delegate.getBasicConstraints();
  }

  @Override
  public void verify(PublicKey key)
      throws CertificateException,
          java.security.NoSuchAlgorithmException,
          java.security.InvalidKeyException,
          java.security.NoSuchProviderException,
          java.security.SignatureException {
    delegate.verify(key);
  }

  @Override
  public void verify(PublicKey key, String sigProvider)
      throws CertificateException,
          java.security.NoSuchAlgorithmException,
          java.security.InvalidKeyException,
          java.security.NoSuchProviderException,
          java.security.SignatureException {
    delegate.verify(key, sigProvider);
  }

  @Override
  public String toString() {
    return "UnencodableCertificate[" + delegate.getSubjectX500Principal() + "]";
  }

  @Override
  public PublicKey getPublicKey() {
    return delegate.getPublicKey();
  }

  @Override
  public boolean hasUnsupportedCriticalExtension() {
    return delegate.hasUnsupportedCriticalExtension();
  }

  @Override
  public Set<String> getCriticalExtensionOIDs() {
    return delegate.getCriticalExtensionOIDs();
  }

  @Override
  public Set<String> getNonCriticalExtensionOIDs() {
    return delegate.getNonCriticalExtensionOIDs();
  }

  @Override
  public byte[] getExtensionValue(String oid) {
    return delegate.getExtensionValue(oid);
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
