package dev.edgetrust.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.NodeName;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HeldCertificateTest {
  private static KeyPair caKey;
  private static KeyPair leafKey;
  private static X509Certificate ca;
  private static X509Certificate leaf;

  @BeforeAll
  static void makeChain() {
    caKey = Keys.newP256();
    leafKey = Keys.newP256();
    ca = TestCertificates.selfSignedCa(caKey, "CN=test CA");
    leaf =
        TestCertificates.leaf(
            leafKey.getPublic(),
            X500Name.getInstance(NodeName.of("edge-1").subject().getEncoded()),
            caKey.getPrivate(),
            new X500Name("CN=test CA"),
            new BigInteger("8f01", 16));
  }

  @Test
  void keyAndChain_areHeldWithTheLeafFirst() {
    HeldCertificate held = new HeldCertificate(leafKey.getPrivate(), List.of(leaf, ca));
    assertThat(held.privateKey()).isSameAs(leafKey.getPrivate());
    assertThat(held.certificate()).isEqualTo(leaf);
    assertThat(held.chain()).containsExactly(leaf, ca);
    assertThat(held.serialHex()).isEqualTo("8f:01");
    assertThat(NodeName.fromCertificate(held.certificate())).isEqualTo(NodeName.of("edge-1"));
    assertThat(held.notBefore()).isEqualTo(leaf.getNotBefore().toInstant());
    assertThat(held.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
  }

  @Test
  void mismatchedKey_isRefused() {
    assertThatThrownBy(() -> new HeldCertificate(Keys.newP256().getPrivate(), List.of(leaf)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("private key does not match the certificate");
  }

  @Test
  void keyMatchingOnlyAnIssuer_isRefused() {
    // The key must be the leaf's, not any certificate's in the chain.
    assertThatThrownBy(() -> new HeldCertificate(caKey.getPrivate(), List.of(leaf, ca)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("private key does not match the certificate");
  }

  @Test
  void emptyChain_isRefused() {
    assertThatThrownBy(() -> new HeldCertificate(leafKey.getPrivate(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificate chain is empty");
  }

  @Test
  void nullKey_isRefused() {
    assertThatThrownBy(() -> new HeldCertificate(null, List.of(leaf)))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void chain_isACopyThatCannotChange() {
    List<X509Certificate> chain = new ArrayList<>(List.of(leaf, ca));
    HeldCertificate held = new HeldCertificate(leafKey.getPrivate(), chain);
    chain.clear();
    assertThat(held.chain()).containsExactly(leaf, ca);
    assertThatThrownBy(() -> held.chain().add(ca))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toString_namesSubjectSerialAndExpiryButNoKeyMaterial() {
    HeldCertificate held = new HeldCertificate(leafKey.getPrivate(), List.of(leaf, ca));
    String text = held.toString();
    assertThat(text)
        .contains("CN=system:node:edge-1", "serial 8f:01", "notAfter " + held.notAfter());
    BigInteger s = ((ECPrivateKey) leafKey.getPrivate()).getS();
    String pkcs8 = Base64.getEncoder().encodeToString(leafKey.getPrivate().getEncoded());
    assertThat(text)
        .doesNotContain(s.toString(16).substring(0, 12))
        .doesNotContain(s.toString().substring(0, 12))
        .doesNotContainIgnoringCase("private")
        .doesNotContain(pkcs8.substring(pkcs8.length() - 40, pkcs8.length() - 20));
  }

  @Test
  void certificateNotNamingANode_isHeldButHasNoNodeName() {
    HeldCertificate held = new HeldCertificate(caKey.getPrivate(), List.of(ca));
    assertThatThrownBy(() -> NodeName.fromCertificate(held.certificate()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
