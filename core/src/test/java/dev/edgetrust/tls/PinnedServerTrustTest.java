package dev.edgetrust.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.x509.Keys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The admin CLI's trust: one certificate, one host, no CA. */
class PinnedServerTrustTest {
  private static X509Certificate selfSigned(GeneralName san, Instant notBefore, Instant notAfter)
      throws Exception {
    KeyPair keys = Keys.newP256();
    X500Name name = new X500Name("CN=admin");
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(notBefore.toEpochMilli()),
            Date.from(notBefore),
            Date.from(notAfter),
            name,
            keys.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  private static X509Certificate forIp(String ip) throws Exception {
    return selfSigned(
        new GeneralName(GeneralName.iPAddress, ip),
        Instant.now().minusSeconds(60),
        Instant.now().plus(Duration.ofDays(1)));
  }

  @Test
  void thePinnedCertificateForTheHostDialed_isTrusted() throws Exception {
    X509Certificate pin = forIp("127.0.0.1");
    PinnedServerTrust.of(pin, "127.0.0.1").checkServerTrusted(new X509Certificate[] {pin}, "EC");

    X509Certificate v6 = forIp("::1");
    PinnedServerTrust.of(v6, "[::1]").checkServerTrusted(new X509Certificate[] {v6}, "EC");
  }

  @Test
  void anyOtherCertificate_isRefused_namingWhatAnswered() throws Exception {
    X509Certificate pin = forIp("127.0.0.1");
    X509Certificate other = forIp("127.0.0.1");

    assertThatThrownBy(
            () ->
                PinnedServerTrust.of(pin, "127.0.0.1")
                    .checkServerTrusted(new X509Certificate[] {other, pin}, "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageStartingWith("the server presented CN=admin (SHA-256 ")
        .hasMessageContaining("not the pinned certificate");
  }

  @Test
  void thePinnedCertificate_forAnotherHost_isRefused() throws Exception {
    X509Certificate pin = forIp("192.0.2.10");
    assertThatThrownBy(
            () ->
                PinnedServerTrust.of(pin, "127.0.0.1")
                    .checkServerTrusted(new X509Certificate[] {pin}, "EC"))
        .hasMessage("the pinned certificate does not name 127.0.0.1");

    X509Certificate dns =
        selfSigned(
            new GeneralName(GeneralName.dNSName, "127.0.0.1"),
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)));
    assertThatThrownBy(
            () ->
                PinnedServerTrust.of(dns, "127.0.0.1")
                    .checkServerTrusted(new X509Certificate[] {dns}, "EC"))
        .as("an address must be an IP SAN, not a DNS name spelled like one")
        .hasMessage("the pinned certificate does not name 127.0.0.1");
  }

  @Test
  void anExpiredPin_isRefused() throws Exception {
    X509Certificate pin =
        selfSigned(
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            Instant.now().minus(Duration.ofDays(2)),
            Instant.now().minus(Duration.ofDays(1)));

    assertThatThrownBy(
            () ->
                PinnedServerTrust.of(pin, "127.0.0.1")
                    .checkServerTrusted(new X509Certificate[] {pin}, "EC"))
        .hasMessageStartingWith("the pinned certificate is not valid now");
  }

  @Test
  void clientsAreNeverTrusted_andNoIssuerIsAccepted() throws Exception {
    X509Certificate pin = forIp("127.0.0.1");
    PinnedServerTrust trust = PinnedServerTrust.of(pin, "127.0.0.1");

    assertThatThrownBy(() -> trust.checkClientTrusted(new X509Certificate[] {pin}, "EC"))
        .isInstanceOf(CertificateException.class);
    assertThat(trust.getAcceptedIssuers()).isEmpty();
  }
}
