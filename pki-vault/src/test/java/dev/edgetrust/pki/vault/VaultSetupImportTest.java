package dev.edgetrust.pki.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Setup can make Vault an intermediate under an existing CA, and refuses to replace a CA it finds.
 */
class VaultSetupImportTest {
  private StandInTarget target;
  private VaultClient client;

  @BeforeEach
  void start() {
    target = new StandInTarget();
    client = VaultClient.connect(target.connection().retryPolicy(RetryPolicy.NONE).build());
  }

  @AfterEach
  void stop() {
    target.close();
  }

  private static X509Certificate ca(
      String cn, KeyPair subjectKey, X509Certificate issuer, KeyPair issuerKey, boolean isCa)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer == null ? new X500Principal("CN=" + cn) : issuer.getSubjectX500Principal(),
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofDays(3650))),
            new X500Principal("CN=" + cn),
            subjectKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }

  private record Bundle(String pem, X509Certificate intermediate, X509Certificate root) {}

  private static Bundle bundle(String name) throws Exception {
    KeyPair rootKey = Keys.newP256();
    X509Certificate root = ca(name + " root", rootKey, null, rootKey, true);
    KeyPair intermediateKey = Keys.newP256();
    X509Certificate intermediate = ca(name + " intermediate", intermediateKey, root, rootKey, true);
    return new Bundle(
        Pem.certificate(intermediate)
            + Pem.privateKey(intermediateKey.getPrivate())
            + Pem.certificate(root),
        intermediate,
        root);
  }

  @Test
  void importedIntermediate_signsNodeCertificates_chainingToTheExternalRoot() throws Exception {
    Bundle bundle = bundle("corp");

    List<SetupStep> first =
        VaultSetup.builder(client, target.operator()).importCa(bundle.pem()).build().run();
    List<SetupStep> second =
        VaultSetup.builder(client, target.operator()).importCa(bundle.pem()).build().run();

    assertThat(first.get(2))
        .hasToString(
            "CA of pki/: done (imported CN=corp intermediate, until "
                + bundle.intermediate().getNotAfter().toInstant()
                + ")");
    assertThat(second.get(2).outcome()).isEqualTo(SetupStep.Outcome.ALREADY_DONE);
    NodeName node = NodeName.of("imported");
    VaultEnrollment.builder(client, target.operator()).build().prepare(node);
    VaultPkiProvider provider =
        VaultPkiProvider.create(client, target.operator(), "pki", VaultEnrollment.roleName(node));
    IssuedCertificate issued =
        provider.sign(
            SigningRequest.forNode(
                node,
                Csr.create(Keys.newP256(), new X500Principal("CN=x")),
                EnumSet.of(CertificateUsage.CLIENT_AUTH),
                Duration.ofHours(1)));

    assertThat(provider.trustAnchors()).containsExactly(bundle.intermediate(), bundle.root());
    assertThat(issued.caChain()).containsExactly(bundle.intermediate(), bundle.root());
    issued.certificate().verify(bundle.intermediate().getPublicKey());
  }

  @Test
  void aDifferentCa_isNeverReplaced() throws Exception {
    VaultSetup.builder(client, target.operator()).build().run();

    assertThatThrownBy(
            () ->
                VaultSetup.builder(client, target.operator())
                    .importCa(bundle("other").pem())
                    .build()
                    .run())
        .hasMessageStartingWith("pki/ already has CA CN=edgetrust root CA")
        .hasMessageContaining("refusing to replace it with CN=other intermediate");
  }

  @Test
  void bundleWhoseFirstCertificateIsNotACa_isRefusedUpFront() throws Exception {
    KeyPair key = Keys.newP256();
    X509Certificate leaf = ca("leaf", key, null, key, false);

    assertThatThrownBy(
            () ->
                VaultSetup.builder(client, target.operator())
                    .importCa(Pem.certificate(leaf) + Pem.privateKey(key.getPrivate())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the first certificate of the CA bundle (CN=leaf");
  }
}
