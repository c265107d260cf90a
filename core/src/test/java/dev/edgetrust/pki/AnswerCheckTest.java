package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.TestCertificates;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * Each way an external PKI's certificate can differ from the request is found; the exact one
 * passes.
 */
class AnswerCheckTest {
  private static final KeyPair CA_KEY = Keys.newP256();
  private static final X509Certificate CA = TestCertificates.selfSignedCa(CA_KEY, "CN=Test CA");
  private static final NodeName NODE = NodeName.of("edge-1");
  private final KeyPair key = Keys.newP256();
  private final Instant now = Instant.now();
  private final SigningRequest nodeRequest =
      SigningRequest.forNode(
          NODE, Csr.create(key, new X500Principal("CN=kubeedge.io")), Duration.ofHours(2));

  /** What a PKI might answer: by default exactly the node certificate asked for. */
  private final class Answer {
    String subject = "O=system:nodes, CN=system:node:edge-1";
    PublicKey publicKey = key.getPublic();
    KeyPurposeId[] usages = {KeyPurposeId.id_kp_clientAuth};
    List<GeneralName> names = new ArrayList<>();
    boolean ca;
    Duration lifetime = Duration.ofHours(2);
    KeyPair signer = CA_KEY;

    X509Certificate build() throws Exception {
      var builder =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=Test CA"),
              BigInteger.TEN,
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(lifetime)),
              new X500Name(subject),
              publicKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (usages.length > 0) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages));
      }
      if (!names.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
  }

  private Optional<AnswerCheck.Mismatch> check(Answer answer) throws Exception {
    return AnswerCheck.find(nodeRequest, answer.build(), CA, now)
        .map(AnswerCheck.Problem::mismatch);
  }

  @Test
  void exactNodeCertificate_inAnotherRdnOrder_passes() throws Exception {
    assertThat(check(new Answer())).isEmpty();
  }

  @Test
  void signedByAnotherKey_isASignatureMismatch() throws Exception {
    Answer a = new Answer();
    a.signer = Keys.newP256();
    assertThat(check(a)).contains(AnswerCheck.Mismatch.SIGNATURE);
  }

  @Test
  void anotherPublicKey_isAKeyMismatch() throws Exception {
    Answer a = new Answer();
    a.publicKey = Keys.newP256().getPublic();
    assertThat(check(a)).contains(AnswerCheck.Mismatch.KEY);
  }

  @Test
  void aSubjectFieldCopiedFromTheCsr_isASubjectMismatch() throws Exception {
    Answer a = new Answer();
    a.subject = "O=system:nodes, OU=evil, CN=system:node:edge-1";
    assertThat(check(a)).contains(AnswerCheck.Mismatch.SUBJECT);
  }

  @Test
  void serverAuthBesideClientAuth_isAUsagesMismatch() throws Exception {
    Answer a = new Answer();
    a.usages = new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth};
    assertThat(check(a)).contains(AnswerCheck.Mismatch.USAGES);
  }

  @Test
  void noExtendedKeyUsageAtAll_isAUsagesMismatch() throws Exception {
    Answer a = new Answer();
    a.usages = new KeyPurposeId[0];
    assertThat(check(a)).contains(AnswerCheck.Mismatch.USAGES);
  }

  @Test
  void anyNameOnANodeCertificate_isANamesMismatch() throws Exception {
    Answer a = new Answer();
    a.names.add(new GeneralName(GeneralName.dNSName, "cloudhub.example.test"));
    assertThat(check(a)).contains(AnswerCheck.Mismatch.SUBJECT_ALT_NAMES);
  }

  @Test
  void aCaCertificate_isRefused() throws Exception {
    Answer a = new Answer();
    a.ca = true;
    assertThat(check(a)).contains(AnswerCheck.Mismatch.CA);
  }

  @Test
  void longerThanAskedBeyondTheSkew_isALifetimeMismatch_withinTheSkewPasses() throws Exception {
    Answer longer = new Answer();
    longer.lifetime = Duration.ofHours(2).plus(AnswerCheck.CLOCK_SKEW).plusMinutes(1);
    Answer withinSkew = new Answer();
    withinSkew.lifetime = Duration.ofHours(2).plus(AnswerCheck.CLOCK_SKEW).minusMinutes(1);

    assertThat(check(longer)).contains(AnswerCheck.Mismatch.LIFETIME);
    assertThat(check(withinSkew)).isEmpty();
  }

  @Test
  void serverCertificate_mustCarryExactlyTheNamesAsked() throws Exception {
    SigningRequest server =
        SigningRequest.forServer(
            "cloudhub",
            Csr.create(key, new X500Principal("CN=x")),
            List.of("cloudhub.example.test"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofHours(2));
    Answer exact = new Answer();
    exact.subject = "CN=cloudhub";
    exact.usages = new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
    exact.names.add(new GeneralName(GeneralName.dNSName, "CloudHub.example.test"));
    exact.names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    Answer extra = new Answer();
    extra.subject = exact.subject;
    extra.usages = exact.usages;
    extra.names.addAll(exact.names);
    extra.names.add(new GeneralName(GeneralName.dNSName, "evil.example.test"));

    assertThat(AnswerCheck.find(server, exact.build(), CA, now)).isEmpty();
    assertThat(AnswerCheck.find(server, extra.build(), CA, now).map(AnswerCheck.Problem::mismatch))
        .contains(AnswerCheck.Mismatch.SUBJECT_ALT_NAMES);
  }
}
