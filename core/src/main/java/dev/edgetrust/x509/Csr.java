package dev.edgetrust.x509;

import java.io.IOException;
import java.io.StringReader;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate signing request whose signature has been checked: holding a {@code Csr}
 * means the requester proved it holds the private key of {@link #publicKey()}.
 */
public final class Csr {
  /** KubeEdge caps the CSR body at 1 MiB; a real one is a few hundred bytes. */
  public static final int MAX_DER_BYTES = 1 << 20;

  private final byte[] der;
  private final PublicKey publicKey;
  private final X500Principal subject;

  private Csr(byte[] der, PublicKey publicKey, X500Principal subject) {
    this.der = der;
    this.publicKey = publicKey;
    this.subject = subject;
  }

  /**
   * Parses and checks a DER-encoded CSR.
   *
   * @throws IllegalArgumentException if it is too large, malformed, badly signed, or its key is
   *     weaker than P-256 / RSA-2048
   */
  public static Csr parseDer(byte[] der) {
    if (der.length == 0) {
      throw new IllegalArgumentException("CSR is empty");
    }
    if (der.length > MAX_DER_BYTES) {
      throw new IllegalArgumentException(
          "CSR is " + der.length + " bytes, over the limit of " + MAX_DER_BYTES);
    }
    JcaPKCS10CertificationRequest request;
    try {
      request = new JcaPKCS10CertificationRequest(der);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("CSR is not valid PKCS#10 DER", e);
    }
    return check(request);
  }

  /** Parses and checks a PEM-encoded CSR ({@code CERTIFICATE REQUEST}). */
  public static Csr parsePem(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (o instanceof PKCS10CertificationRequest request) {
        return check(new JcaPKCS10CertificationRequest(request));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("CSR is not valid PEM", e);
    }
    throw new IllegalArgumentException("no PEM certificate request found");
  }

  private static Csr check(JcaPKCS10CertificationRequest request) {
    PublicKey key;
    try {
      key = request.getPublicKey();
      boolean valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
      if (!valid) {
        throw new IllegalArgumentException("CSR signature does not verify with its own public key");
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("CSR public key or signature is unreadable", e);
    }
    requireStrongKey(key);
    X500Principal subject;
    try {
      subject = new X500Principal(request.getSubject().getEncoded());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("CSR subject is unreadable", e);
    }
    try {
      return new Csr(request.getEncoded(), key, subject);
    } catch (IOException e) {
      throw new IllegalArgumentException("CSR cannot be re-encoded", e);
    }
  }

  private static void requireStrongKey(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits < 256) {
        throw new IllegalArgumentException(
            "CSR key is EC-" + bits + "; at least P-256 is required");
      }
    } else if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw new IllegalArgumentException(
            "CSR key is RSA-" + rsa.getModulus().bitLength() + "; at least 2048 bits are required");
      }
    } else {
      throw new IllegalArgumentException(
          "CSR key type " + key.getAlgorithm() + " is not supported (EC or RSA)");
    }
  }

  /** Makes a CSR for {@code subject}, signed with the key pair's private key. */
  public static Csr create(KeyPair keyPair, X500Principal subject) {
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder(Keys.signatureAlgorithm(keyPair.getPrivate()))
              .build(keyPair.getPrivate());
      PKCS10CertificationRequest request =
          new JcaPKCS10CertificationRequestBuilder(subject, keyPair.getPublic()).build(signer);
      return new Csr(request.getEncoded(), keyPair.getPublic(), subject);
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot sign a CSR with a key we generated", e);
    }
  }

  public byte[] der() {
    return der.clone();
  }

  public String pem() {
    return Pem.encode("CERTIFICATE REQUEST", der);
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public X500Principal subject() {
    return subject;
  }

  /** The CSR's common name, if it has exactly one. */
  public Optional<String> commonName() {
    List<String> names = Certificates.commonNames(subject);
    return names.size() == 1 ? Optional.of(names.get(0)) : Optional.empty();
  }

  /** The subject as BouncyCastle names it, for providers that build certificates with it. */
  public X500Name subjectName() {
    return X500Name.getInstance(subject.getEncoded());
  }

  @Override
  public String toString() {
    return "Csr[" + subject.getName() + ", " + publicKey.getAlgorithm() + "]";
  }
}
