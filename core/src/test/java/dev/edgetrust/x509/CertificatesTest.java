package dev.edgetrust.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificatesTest {
  private static KeyPair ecKey;
  private static X509Certificate ecCertificate;
  private static KeyPair rsaKey;
  private static X509Certificate rsaCertificate;

  @BeforeAll
  static void makeCertificates() {
    ecKey = Keys.newP256();
    ecCertificate = TestCertificates.selfSignedCa(ecKey, "CN=ec");
    rsaKey = TestCertificates.rsa(2048);
    rsaCertificate = TestCertificates.selfSignedCa(rsaKey, "CN=rsa");
  }

  @Test
  void keyOfTheCertificate_matches() {
    assertThat(Certificates.matches(ecKey.getPrivate(), ecCertificate)).isTrue();
    assertThat(Certificates.matches(rsaKey.getPrivate(), rsaCertificate)).isTrue();
  }

  @Test
  void anotherKeyOfTheSameKind_doesNotMatch() {
    assertThat(Certificates.matches(Keys.newP256().getPrivate(), ecCertificate)).isFalse();
    assertThat(Certificates.matches(TestCertificates.rsa(2048).getPrivate(), rsaCertificate))
        .isFalse();
  }

  @Test
  void keyOfAnotherKind_doesNotMatch() {
    assertThat(Certificates.matches(rsaKey.getPrivate(), ecCertificate)).isFalse();
    assertThat(Certificates.matches(ecKey.getPrivate(), rsaCertificate)).isFalse();
  }

  @Test
  void ecKeyOnAnotherCurve_doesNotMatchAndDoesNotThrow() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    assertThat(Certificates.matches(generator.generateKeyPair().getPrivate(), ecCertificate))
        .isFalse();
  }

  @Test
  void unsupportedKeyType_doesNotMatch() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThat(Certificates.matches(ed.getPrivate(), ecCertificate)).isFalse();
  }

  @Test
  void sha256Hex_equalsAnIndependentlyComputedDigest() throws Exception {
    byte[] der = ecCertificate.getEncoded();
    SHA256Digest digest = new SHA256Digest();
    digest.update(der, 0, der.length);
    byte[] expected = new byte[32];
    digest.doFinal(expected, 0);
    assertThat(Certificates.sha256Hex(ecCertificate))
        .isEqualTo(Hex.toHexString(expected))
        .hasSize(64);
  }

  @Test
  void sha256Hex_ofKnownBytes_isTheFips180Vector() {
    assertThat(Certificates.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void der_roundTripsThroughParseDer() throws Exception {
    byte[] der = Certificates.der(rsaCertificate);
    assertThat(der).isEqualTo(rsaCertificate.getEncoded());
    assertThat(Certificates.parseDer(der)).isEqualTo(rsaCertificate);
  }

  @Test
  void notACertificate_isRefused() {
    assertThatThrownBy(() -> Certificates.parseDer(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Certificates.parseDer("hello".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DER certificate");
    byte[] truncated = Arrays.copyOf(Certificates.der(ecCertificate), 100);
    assertThatThrownBy(() -> Certificates.parseDer(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DER certificate");
  }

  @Test
  void bytesAfterTheCertificate_areRefused() {
    byte[] der = Certificates.der(ecCertificate);
    byte[] trailing = Arrays.copyOf(der, der.length + 4);
    assertThatThrownBy(() -> Certificates.parseDer(trailing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after the certificate");
  }

  @Test
  void twoConcatenatedCertificates_areRefusedAsOne() {
    byte[] one = Certificates.der(ecCertificate);
    byte[] two = Certificates.der(rsaCertificate);
    byte[] both = Arrays.copyOf(one, one.length + two.length);
    System.arraycopy(two, 0, both, one.length, two.length);
    assertThatThrownBy(() -> Certificates.parseDer(both))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leafSignedByAnotherKey_stillMatchesItsOwnKey() {
    KeyPair leafKey = Keys.newP256();
    X509Certificate leaf =
        TestCertificates.leaf(
            leafKey.getPublic(),
            new X500Name("CN=leaf"),
            ecKey.getPrivate(),
            new X500Name("CN=ec"),
            java.math.BigInteger.TEN);
    assertThat(Certificates.matches(leafKey.getPrivate(), leaf)).isTrue();
    assertThat(Certificates.matches(ecKey.getPrivate(), leaf)).isFalse();
  }
}
