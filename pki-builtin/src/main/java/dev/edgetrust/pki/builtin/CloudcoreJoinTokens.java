package dev.edgetrust.pki.builtin;

import dev.edgetrust.pki.Hs256Jwt;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.jointoken.JoinTokenSigner;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Checks join tokens as cloudcore mints them, for taking over a cloudcore fleet: HS256 keyed with
 * the raw DER bytes of the CA private key (cloudcore's {@code hubconfig.Config.CaKey}), claim
 * {@code exp} only.
 *
 * <p>Those bytes are the key as cloudcore holds it: SEC1 ({@code x509.MarshalECPrivateKey}:
 * version, the scalar padded to the order's length, the curve OID, the public point) for the EC key
 * it makes itself, PKCS#1 for an RSA one, or whatever DER a {@code tlsCAKeyFile} held, PKCS#8
 * included. The key file here may hold another of these forms of the same key, so each form is
 * tried: all are derived from the CA key, which only the CA's holder has.
 */
final class CloudcoreJoinTokens {
  private record Form(Hs256Jwt mac, JoinTokenSigner verifier) {}

  private final List<Form> forms;

  CloudcoreJoinTokens(PrivateKey caKey, X509Certificate caCertificate, Clock clock) {
    List<Form> all = new ArrayList<>();
    for (byte[] der : derForms(caKey, caCertificate)) {
      all.add(new Form(new Hs256Jwt(der), new JoinTokenSigner(der, "", clock)));
    }
    this.forms = List.copyOf(all);
  }

  /**
   * @throws PkiException refused, naming why, if no form of the CA key signed {@code jwt} or what
   *     it says is refused (expired, no {@code exp})
   */
  JoinTokenClaims verify(String jwt) throws PkiException {
    for (Form form : forms) {
      if (form.mac().signs(jwt)) {
        return form.verifier().verify(jwt);
      }
    }
    throw PkiException.refused(
        "join token is signed neither by this CloudHub nor with the CA key as cloudcore signs");
  }

  /** The DER forms cloudcore may hold the CA key in, most likely first. */
  static List<byte[]> derForms(PrivateKey key, X509Certificate caCertificate) {
    List<byte[]> forms = new ArrayList<>();
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      if (key instanceof ECPrivateKey ec) {
        SubjectPublicKeyInfo spki =
            SubjectPublicKeyInfo.getInstance(caCertificate.getPublicKey().getEncoded());
        ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
        forms.add(
            new org.bouncycastle.asn1.sec.ECPrivateKey(
                    ec.getParams().getOrder().bitLength(),
                    ec.getS(),
                    new DERBitString(spki.getPublicKeyData().getBytes()),
                    curve)
                .getEncoded("DER"));
      } else {
        // PKCS#1 for RSA: the structure inside PKCS#8, as x509.MarshalPKCS1PrivateKey writes it.
        forms.add(info.parsePrivateKey().toASN1Primitive().getEncoded("DER"));
      }
    } catch (IOException | RuntimeException e) {
      // A key cloudcore could not have made (it makes EC keys, reads EC or RSA): PKCS#8 only.
    }
    forms.add(key.getEncoded());
    return forms;
  }
}
