package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.TestCertificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

class IssuedCertificateTest {
  @Test
  void serialAndExpiry_comeFromTheLeaf() {
    KeyPair caKey = Keys.newP256();
    X509Certificate ca = TestCertificates.selfSignedCa(caKey, "CN=ca");
    X509Certificate leaf =
        TestCertificates.leaf(
            Keys.newP256().getPublic(),
            new X500Name("CN=leaf"),
            caKey.getPrivate(),
            new X500Name("CN=ca"),
            new BigInteger("00ff10", 16));
    IssuedCertificate issued = new IssuedCertificate(leaf, List.of(ca));
    assertThat(issued.serial()).isEqualTo(BigInteger.valueOf(0xff10));
    assertThat(issued.serialHex()).isEqualTo("ff:10");
    assertThat(issued.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
  }

  @Test
  void emptyCaChain_isRefused() {
    KeyPair key = Keys.newP256();
    X509Certificate self = TestCertificates.selfSignedCa(key, "CN=self");
    assertThatThrownBy(() -> new IssuedCertificate(self, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("caChain is empty");
  }
}
