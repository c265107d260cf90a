package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.x509.Keys;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RevocationListTest {
  static final X500Principal CA_NAME = new X500Principal("CN=Test CA");
  static KeyPair caKeys;
  static X509Certificate ca;

  @BeforeAll
  static void makeCa() throws Exception {
    caKeys = Keys.newP256();
    ca = selfSigned(caKeys);
  }

  static X509Certificate selfSigned(KeyPair keys) throws Exception {
    Instant now = Instant.now();
    return new JcaX509CertificateConverter()
        .getCertificate(
            new JcaX509v3CertificateBuilder(
                    CA_NAME,
                    BigInteger.TEN,
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))),
                    CA_NAME,
                    keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  static X509CRL crl(
      KeyPair signer,
      Iterable<BigInteger> serials,
      Instant thisUpdate,
      Instant nextUpdate,
      boolean delta)
      throws Exception {
    X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(CA_NAME, Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    builder.addExtension(Extension.cRLNumber, false, new ASN1Integer(7));
    if (delta) {
      builder.addExtension(Extension.deltaCRLIndicator, true, new ASN1Integer(6));
    }
    Date revokedAt = Date.from(thisUpdate);
    for (BigInteger s : serials) {
      builder.addCRLEntry(s, revokedAt, CRLReason.keyCompromise);
    }
    return new JcaX509CRLConverter()
        .getCRL(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  static Set<BigInteger> randomSerials(int n, SecureRandom random) {
    Set<BigInteger> serials = new HashSet<>();
    while (serials.size() < n) {
      serials.add(new BigInteger(127, random));
    }
    return serials;
  }

  @Test
  void fromCrl_indexesEverySerialWithTheCrlDates() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<BigInteger> revoked = List.of(BigInteger.valueOf(1), new BigInteger("4a3b2c1d0e0f", 16));

    RevocationList list =
        RevocationList.fromCrl(
            crl(caKeys, revoked, now, now.plus(Duration.ofDays(7)), false), List.of(ca));

    assertThat(list.serials()).containsExactlyInAnyOrderElementsOf(revoked);
    assertThat(list.isRevoked(new BigInteger("4a3b2c1d0e0f", 16))).isTrue();
    assertThat(list.isRevoked(BigInteger.TWO)).isFalse();
    assertThat(list.thisUpdate()).isEqualTo(now);
    assertThat(list.nextUpdate()).contains(now.plus(Duration.ofDays(7)));
    assertThat(list.crlNumber()).contains(BigInteger.valueOf(7));
    assertThat(list.isStaleAt(now.plus(Duration.ofDays(6)))).isFalse();
    assertThat(list.isStaleAt(now.plus(Duration.ofDays(8)))).isTrue();
  }

  @Test
  void crlWithATamperedSignature_isRefused() throws Exception {
    Instant now = Instant.now();
    byte[] der =
        crl(caKeys, List.of(BigInteger.ONE), now, now.plus(Duration.ofDays(1)), false).getEncoded();
    der[der.length - 3] ^= 0x01; // inside the ECDSA signature value
    X509CRL tampered =
        (X509CRL)
            CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));

    assertThatThrownBy(() -> RevocationList.fromCrl(tampered, List.of(ca)))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("not signed by any trusted CA")
        .satisfies(e -> assertThat(((PkiException) e).isRetryable()).isFalse());
  }

  @Test
  void crlSignedByAnotherKeyUnderTheSameName_isRefused() throws Exception {
    Instant now = Instant.now();
    KeyPair impostor = Keys.newP256();
    // An impostor could publish a CRL that leaves a stolen certificate out; its name matches ours.
    X509CRL forged = crl(impostor, List.of(), now, now.plus(Duration.ofDays(1)), false);

    assertThatThrownBy(() -> RevocationList.fromCrl(forged, List.of(ca)))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("Test CA");
  }

  @Test
  void crlOfAnotherIssuerName_isRefused() throws Exception {
    Instant now = Instant.now();
    X509CRL crl = crl(caKeys, List.of(), now, now.plus(Duration.ofDays(1)), false);
    KeyPair otherKeys = Keys.newP256();
    X509Certificate other =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        new X500Principal("CN=Other"),
                        BigInteger.TWO,
                        Date.from(now.minusSeconds(60)),
                        Date.from(now.plus(Duration.ofDays(1))),
                        new X500Principal("CN=Other"),
                        otherKeys.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA")
                            .build(otherKeys.getPrivate())));

    assertThatThrownBy(() -> RevocationList.fromCrl(crl, List.of(other)))
        .isInstanceOf(PkiException.class);
  }

  @Test
  void deltaCrl_isRefused() throws Exception {
    Instant now = Instant.now();
    X509CRL delta = crl(caKeys, List.of(BigInteger.ONE), now, now.plus(Duration.ofDays(1)), true);

    assertThatThrownBy(() -> RevocationList.fromCrl(delta, List.of(ca)))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("delta CRL");
  }

  @Test
  void hundredThousandSerials_fromASet_answerEveryLookupCorrectly() {
    SecureRandom random = new SecureRandom();
    Set<BigInteger> revoked = randomSerials(100_000, random);
    RevocationList list = RevocationList.of(revoked, Instant.now(), Optional.empty());

    assertThat(list.size()).isEqualTo(100_000);
    for (BigInteger s : revoked) {
      if (!list.isRevoked(s)) {
        throw new AssertionError("revoked serial " + s.toString(16) + " not found");
      }
    }
    // Serials that are not revoked, including ones one off from a revoked serial.
    List<BigInteger> probes = new ArrayList<>();
    for (BigInteger s : revoked) {
      probes.add(s.add(BigInteger.ONE));
      if (probes.size() == 50_000) {
        break;
      }
    }
    probes.addAll(randomSerials(50_000, random));
    for (BigInteger p : probes) {
      assertThat(list.isRevoked(p)).as("serial %s", p.toString(16)).isEqualTo(revoked.contains(p));
    }
  }

  @Test
  void hundredThousandEntryCrl_isIndexedWhole() throws Exception {
    Set<BigInteger> revoked = randomSerials(100_000, new SecureRandom());
    Instant now = Instant.now();

    RevocationList list =
        RevocationList.fromCrl(
            crl(caKeys, revoked, now, now.plus(Duration.ofDays(1)), false), List.of(ca));

    assertThat(list.size()).isEqualTo(100_000);
    assertThat(revoked).allMatch(list::isRevoked);
    assertThat(list.isRevoked(BigInteger.ZERO)).isFalse();
  }

  @Test
  void emptyList_revokesNothingAndIsNeverStale() {
    RevocationList empty = RevocationList.empty();

    assertThat(empty.isRevoked(BigInteger.ONE)).isFalse();
    assertThat(empty.nextUpdate()).isEmpty();
    assertThat(empty.isStaleAt(Instant.now().plus(Duration.ofDays(36500)))).isFalse();
  }

  @Test
  void nextUpdateBeforeThisUpdate_isRejected() {
    Instant now = Instant.now();

    assertThatThrownBy(() -> RevocationList.of(Set.of(), now, Optional.of(now.minusSeconds(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nextUpdate");
  }
}
