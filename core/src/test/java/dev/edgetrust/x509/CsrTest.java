package dev.edgetrust.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.edgetrust.pki.NodeName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Random;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CsrTest {
  private static final X500Principal SUBJECT = new X500Principal("CN=kubeedge.io, O=kubeEdge");

  private static KeyPair key;
  private static byte[] validDer;

  @BeforeAll
  static void makeCsr() {
    key = Keys.newP256();
    validDer = Csr.create(key, SUBJECT).der();
  }

  @Test
  void createdCsr_roundTripsThroughDer() {
    Csr parsed = Csr.parseDer(validDer);
    assertThat(parsed.subject()).isEqualTo(SUBJECT);
    assertThat(parsed.publicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertThat(parsed.der()).isEqualTo(validDer);
    assertThat(parsed.commonName()).contains("kubeedge.io");
    assertThat(parsed.subjectName()).isEqualTo(new X500Name("CN=kubeedge.io, O=kubeEdge"));
  }

  @Test
  void createdCsr_roundTripsThroughPem() {
    Csr created = Csr.create(key, SUBJECT);
    assertThat(created.pem()).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
    Csr parsed = Csr.parsePem(created.pem());
    assertThat(parsed.der()).isEqualTo(created.der());
    assertThat(parsed.publicKey()).isEqualTo(key.getPublic());
  }

  @Test
  void der_isACopy() {
    Csr csr = Csr.parseDer(validDer);
    csr.der()[0] = 0;
    assertThat(csr.der()).isEqualTo(validDer);
  }

  @Test
  void rsa2048Csr_isAccepted() {
    KeyPair rsa = TestCertificates.rsa(2048);
    Csr parsed = Csr.parseDer(Csr.create(rsa, SUBJECT).der());
    assertThat(parsed.publicKey()).isEqualTo(rsa.getPublic());
  }

  @Test
  void tamperedSubject_isRefusedBecauseTheSignatureNoLongerVerifies() {
    byte[] tampered = validDer.clone();
    int at = indexOf(tampered, "kubeedge.io".getBytes(StandardCharsets.US_ASCII));
    tampered[at] = 'K';
    assertThatThrownBy(() -> Csr.parseDer(tampered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CSR signature does not verify with its own public key");
  }

  @Test
  void tamperedSignatureByte_isRefused() {
    // The last bytes of the DER are the signature's s value.
    byte[] tampered = validDer.clone();
    tampered[tampered.length - 1] ^= 0x01;
    assertThatThrownBy(() -> Csr.parseDer(tampered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("CSR ");
  }

  @Test
  void csrSignedWithAnotherKeyThanItCarries_isRefused() throws Exception {
    KeyPair other = Keys.newP256();
    PKCS10CertificationRequest request =
        new JcaPKCS10CertificationRequestBuilder(SUBJECT, key.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate()));
    assertThatThrownBy(() -> Csr.parseDer(request.getEncoded()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CSR signature does not verify with its own public key");
  }

  @Test
  void emptyCsr_isRefused() {
    assertThatThrownBy(() -> Csr.parseDer(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CSR is empty");
  }

  @Test
  void csrOverOneMebibyte_isRefusedBeforeParsing() {
    byte[] big = Arrays.copyOf(validDer, Csr.MAX_DER_BYTES + 1);
    assertThatThrownBy(() -> Csr.parseDer(big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CSR is 1048577 bytes, over the limit of 1048576");
  }

  @Test
  void csrOfExactlyOneMebibyte_isParsedAndRefusedOnlyForItsContent() {
    byte[] padded = Arrays.copyOf(validDer, Csr.MAX_DER_BYTES);
    assertThatThrownBy(() -> Csr.parseDer(padded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CSR is not valid PKCS#10 DER");
  }

  @Test
  void trailingBytesAfterTheCsr_areRefused() {
    byte[] trailing = Arrays.copyOf(validDer, validDer.length + 1);
    assertThatThrownBy(() -> Csr.parseDer(trailing)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rsa1024Csr_isRefused() {
    KeyPair weak = TestCertificates.rsa(1024);
    byte[] der = Csr.create(weak, SUBJECT).der();
    assertThatThrownBy(() -> Csr.parseDer(der))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CSR key is RSA-1024; at least 2048 bits are required");
  }

  @Test
  void ecCsrOnACurveSmallerThanP256_isRefused() throws Exception {
    BouncyCastleProvider bc = new BouncyCastleProvider();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", bc);
    generator.initialize(new ECGenParameterSpec("secp224r1"));
    KeyPair small = generator.generateKeyPair();
    byte[] der =
        new JcaPKCS10CertificationRequestBuilder(SUBJECT, small.getPublic())
            .build(
                new JcaContentSignerBuilder("SHA256withECDSA")
                    .setProvider(bc)
                    .build(small.getPrivate()))
            .getEncoded();
    // The JRE may not even read a P-224 key; either way the CSR is refused as a bad request.
    assertThatThrownBy(() -> Csr.parseDer(der))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("CSR ");
  }

  @Test
  void ed25519Csr_isRefusedAsUnsupported() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] der =
        new JcaPKCS10CertificationRequestBuilder(SUBJECT, ed.getPublic())
            .build(new JcaContentSignerBuilder("Ed25519").build(ed.getPrivate()))
            .getEncoded();
    assertThatThrownBy(() -> Csr.parseDer(der))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not supported (EC or RSA)");
  }

  @Test
  void pemWithoutACertificateRequest_isRefused() {
    String certificatePem = Pem.certificate(TestCertificates.selfSignedCa(key, "CN=ca"));
    assertThatThrownBy(() -> Csr.parsePem(certificatePem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM certificate request found");
    assertThatThrownBy(() -> Csr.parsePem("hello"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM certificate request found");
    assertThatThrownBy(
            () ->
                Csr.parsePem(
                    "-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commonName_isPresentOnlyForExactlyOne() {
    assertThat(
            Csr.parseDer(Csr.create(key, new X500Principal("O=system:nodes")).der()).commonName())
        .isEmpty();
    assertThat(
            Csr.parseDer(
                    Csr.create(key, new X500Principal("CN=system:node:edge-1, O=system:nodes"))
                        .der())
                .commonName())
        .contains("system:node:edge-1");
    assertThat(Csr.parseDer(Csr.create(key, new X500Principal("CN=a, CN=b")).der()).commonName())
        .isEmpty();
    X500Name multiValued =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addMultiValuedRDN(
                new ASN1ObjectIdentifier[] {BCStyle.CN, BCStyle.CN}, new String[] {"a", "b"})
            .build();
    assertThat(Csr.create(key, x500(multiValued)).commonName()).isEmpty();
    assertThat(Csr.create(key, new X500Principal("")).commonName()).isEmpty();
  }

  @Test
  void nodeSubject_survivesTheRoundTrip() {
    NodeName node = NodeName.of("edge-7");
    Csr parsed = Csr.parseDer(Csr.create(key, node.subject()).der());
    assertThat(parsed.subject()).isEqualTo(node.subject());
    assertThat(parsed.commonName()).contains(node.commonName());
  }

  @Test
  void toString_namesSubjectAndAlgorithmOnly() {
    assertThat(Csr.parseDer(validDer).toString()).isEqualTo("Csr[CN=kubeedge.io,O=kubeEdge, EC]");
  }

  @Test
  void randomBytes_areRefusedWithIllegalArgumentOnly() {
    Random random = new Random(1);
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[1 + random.nextInt(600)];
      random.nextBytes(bytes);
      if (random.nextBoolean()) {
        bytes[0] = 0x30; // a SEQUENCE, so the parser goes further than the first byte
      }
      assertRefusedOrAccepted(bytes);
    }
  }

  @Test
  void mutatedCsrs_areRefusedWithIllegalArgumentOnly() {
    Random random = new Random(2);
    for (int i = 0; i < 2_000; i++) {
      assertRefusedOrAccepted(mutate(validDer, random));
    }
  }

  @Test
  void deeplyNestedDer_isRefusedWithIllegalArgument() {
    // Within the size limit, tens of thousands of nested SEQUENCEs: a recursive parser must
    // neither overflow its stack nor escape with anything but IllegalArgumentException.
    for (boolean definite : new boolean[] {true, false}) {
      byte[] nested = definite ? nestedDefinite(200_000) : nestedIndefinite(200_000);
      assertThat(nested.length).isLessThanOrEqualTo(Csr.MAX_DER_BYTES);
      assertThatThrownBy(() -> Csr.parseDer(nested)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void deeplyNestedSubjectOrAttributesInAWellFormedRequest_areRefusedWithIllegalArgument()
      throws Exception {
    CertificationRequest valid = CertificationRequest.getInstance(validDer);
    byte[] spki = valid.getCertificationRequestInfo().getSubjectPublicKeyInfo().getEncoded();
    byte[] algorithm = valid.getSignatureAlgorithm().getEncoded();
    byte[] signature = valid.getSignature().getEncoded();
    // A Name is a SEQUENCE of SETs (RDNs): nest SETs so that the outer frames stay well-formed.
    byte[] nested = nestedIndefinite(50_000, 0x31);
    byte[] emptyAttributes = {(byte) 0xa0, 0x00};

    byte[] nestedSubject = request(tlv(0x30, nested), spki, emptyAttributes, algorithm, signature);
    byte[] nestedAttribute =
        request(
            tlv(0x30, new byte[0]),
            spki,
            tlv(0xa0, tlv(0x30, concat(tlv(0x06, new byte[] {0x2a, 0x03}), nested))),
            algorithm,
            signature);
    // The same frames, shallow, are well-formed enough to reach the signature check.
    byte[] shallow =
        request(tlv(0x30, nestedIndefinite(1, 0x31)), spki, emptyAttributes, algorithm, signature);
    assertThatThrownBy(() -> Csr.parseDer(shallow))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CSR signature does not verify with its own public key");

    for (byte[] der : new byte[][] {nestedSubject, nestedAttribute}) {
      assertThat(der.length).isLessThanOrEqualTo(Csr.MAX_DER_BYTES);
      assertThatThrownBy(() -> Csr.parseDer(der)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static byte[] request(
      byte[] subject, byte[] spki, byte[] attributes, byte[] algorithm, byte[] signature) {
    byte[] info = tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, subject, spki, attributes));
    return tlv(0x30, concat(info, algorithm, signature));
  }

  private static byte[] tlv(int tag, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = body.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >>> 16);
      out.write(n >>> 8);
      out.write(n);
    }
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static void assertRefusedOrAccepted(byte[] bytes) {
    try {
      Csr.parseDer(bytes);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).startsWith("CSR ");
    } catch (Throwable other) {
      fail("parseDer threw " + other + " for " + java.util.HexFormat.of().formatHex(bytes), other);
    }
  }

  private static byte[] mutate(byte[] der, Random random) {
    byte[] out = der.clone();
    switch (random.nextInt(5)) {
      case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
      case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
      case 2 -> out = Arrays.copyOf(out, 1 + random.nextInt(out.length - 1));
      case 3 -> {
        // A length byte near the front made huge or zero.
        int at = random.nextInt(Math.min(out.length, 40));
        out[at] = random.nextBoolean() ? (byte) 0x84 : 0x00;
      }
      default -> {
        for (int n = 0; n < 8; n++) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
      }
    }
    return out;
  }

  private static byte[] nestedDefinite(int depth) {
    // Built inside out: each level is 30 83 <3-byte length> <inner>.
    byte[] inner = {0x05, 0x00};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] lengths = new int[depth];
    int length = inner.length;
    for (int i = depth - 1; i >= 0; i--) {
      lengths[i] = length;
      length += 5;
    }
    for (int i = 0; i < depth; i++) {
      out.write(0x30);
      out.write(0x83);
      out.write(lengths[i] >>> 16);
      out.write(lengths[i] >>> 8);
      out.write(lengths[i]);
    }
    out.writeBytes(inner);
    return out.toByteArray();
  }

  private static byte[] nestedIndefinite(int depth) {
    return nestedIndefinite(depth, 0x30);
  }

  private static byte[] nestedIndefinite(int depth, int tag) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < depth; i++) {
      out.write(tag);
      out.write(0x80);
    }
    for (int i = 0; i < depth; i++) {
      out.write(0x00);
      out.write(0x00);
    }
    return out.toByteArray();
  }

  private static X500Principal x500(X500Name name) {
    try {
      return new X500Principal(name.getEncoded());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
