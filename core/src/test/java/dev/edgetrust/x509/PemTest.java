package dev.edgetrust.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PemTest {
  private static KeyPair caKey;
  private static KeyPair leafKey;
  private static X509Certificate ca;
  private static X509Certificate leaf;

  @BeforeAll
  static void makeChain() {
    caKey = Keys.newP256();
    leafKey = Keys.newP256();
    ca = TestCertificates.selfSignedCa(caKey, "CN=edgetrust test CA");
    leaf =
        TestCertificates.leaf(
            leafKey.getPublic(),
            new X500Name("CN=system:node:edge-1, O=system:nodes"),
            caKey.getPrivate(),
            new X500Name("CN=edgetrust test CA"),
            BigInteger.valueOf(42));
  }

  @Test
  void encode_wrapsBase64At64CharactersBetweenTheMarkers() {
    byte[] der = new byte[100];
    new Random(3).nextBytes(der);
    String pem = Pem.encode("THING", der);
    List<String> lines = pem.lines().toList();
    assertThat(lines.get(0)).isEqualTo("-----BEGIN THING-----");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("-----END THING-----");
    assertThat(lines.subList(1, lines.size() - 1))
        .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(64));
    assertThat(lines.get(1)).hasSize(64);
    assertThat(pem).endsWith("-----\n");
    assertThat(Base64.getMimeDecoder().decode(String.join("", lines.subList(1, lines.size() - 1))))
        .isEqualTo(der);
  }

  @Test
  void certificateChain_roundTripsInOrder() {
    String pem = Pem.certificates(List.of(leaf, ca));
    assertThat(pem.split("-----BEGIN CERTIFICATE-----\n", -1)).hasSize(3);
    assertThat(Pem.parseCertificates(pem)).containsExactly(leaf, ca);
    assertThat(Pem.parseCertificates(pem.getBytes(StandardCharsets.US_ASCII)))
        .containsExactly(leaf, ca);
  }

  @Test
  void singleDerCertificate_isReadFromBytes() throws Exception {
    assertThat(Pem.parseCertificates(ca.getEncoded())).containsExactly(ca);
  }

  @Test
  void certificatesAfterAKeyAndWithCommentsAround_areFound() {
    String pem =
        "subject=CN=edge\n"
            + Pem.privateKey(leafKey.getPrivate())
            + Pem.certificate(leaf)
            + "# trailing comment\n"
            + Pem.certificate(ca);
    assertThat(Pem.parseCertificates(pem)).containsExactly(leaf, ca);
  }

  @Test
  void textWithoutCertificates_isRefused() {
    assertThatThrownBy(() -> Pem.parseCertificates(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM certificate found");
    assertThatThrownBy(() -> Pem.parseCertificates(Pem.privateKey(leafKey.getPrivate())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM certificate found");
  }

  @Test
  void corruptCertificate_isRefused() {
    String pem = Pem.certificate(leaf);
    String corrupt = pem.replace(pem.lines().toList().get(3), "A".repeat(64));
    assertThatThrownBy(() -> Pem.parseCertificates(corrupt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a PEM certificate");
    assertThatThrownBy(
            () ->
                Pem.parseCertificates(
                    "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pem.parseCertificates(new byte[] {0x30, 0x03, 0x02, 0x01}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DER certificate");
  }

  @Test
  void pkcs8EcKey_roundTrips() {
    String pem = Pem.privateKey(leafKey.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    PrivateKey parsed = Pem.parsePrivateKey(pem);
    assertThat(parsed).isEqualTo(leafKey.getPrivate());
    assertThat(Certificates.matches(parsed, leaf)).isTrue();
  }

  @Test
  void pkcs8RsaKey_roundTrips() {
    KeyPair rsa = TestCertificates.rsa(2048);
    assertThat(Pem.parsePrivateKey(Pem.privateKey(rsa.getPrivate()))).isEqualTo(rsa.getPrivate());
  }

  @Test
  void sec1EcPrivateKey_writtenByJcaPemWriter_isRead() throws Exception {
    // A BouncyCastle key pair: its SEC1 form carries the curve and the public key, as
    // OpenSSL's and Go's (KubeEdge's) do.
    KeyPair bcPair = bouncyCastleP256();
    String pem = jcaPem(bcPair);
    assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
    PrivateKey parsed = Pem.parsePrivateKey(pem);
    assertThat(parsed.getAlgorithm()).isEqualTo("EC");
    assertThat(((ECPrivateKey) parsed).getS())
        .isEqualTo(((ECPrivateKey) bcPair.getPrivate()).getS());
    assertThat(
            Certificates.matches(
                parsed, TestCertificates.selfSignedLeaf(bcPair, new X500Name("CN=bc"))))
        .isTrue();
  }

  @Test
  void sec1EcPrivateKeyWithoutTheOptionalPublicKey_isRead() throws Exception {
    // RFC 5915 makes the public key optional; "openssl ec -no_public" writes such a key.
    ECPrivateKey ec = (ECPrivateKey) leafKey.getPrivate();
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(leafKey.getPublic().getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, ec.getS(), spki.getAlgorithm().getParameters());
    PrivateKey parsed = Pem.parsePrivateKey(Pem.encode("EC PRIVATE KEY", sec1.getEncoded()));
    assertThat(((ECPrivateKey) parsed).getS()).isEqualTo(ec.getS());
    assertThat(Certificates.matches(parsed, leaf)).isTrue();
  }

  @Test
  void sec1EcPrivateKeyWithoutItsCurve_isRefused() throws Exception {
    // JcaPEMWriter on a JDK key pair writes SEC1 with neither curve nor public key: unusable.
    String pem = jcaPem(leafKey);
    assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThatThrownBy(() -> Pem.parsePrivateKey(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a PEM private key");
  }

  @Test
  void sec1EcPrivateKeyWithItsPublicKey_asOpenSslAndGoWriteIt_isRead() throws Exception {
    ECPrivateKey ec = (ECPrivateKey) leafKey.getPrivate();
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(leafKey.getPublic().getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, ec.getS(), spki.getPublicKeyData(), spki.getAlgorithm().getParameters());
    String pem = Pem.encode("EC PRIVATE KEY", sec1.getEncoded());
    PrivateKey parsed = Pem.parsePrivateKey(pem);
    assertThat(((ECPrivateKey) parsed).getS()).isEqualTo(ec.getS());
    assertThat(Certificates.matches(parsed, leaf)).isTrue();
  }

  @Test
  void pkcs1RsaPrivateKey_isRead() throws Exception {
    KeyPair rsa = TestCertificates.rsa(2048);
    String pem = jcaPem(rsa);
    assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(((RSAPrivateCrtKey) Pem.parsePrivateKey(pem)).getPrivateExponent())
        .isEqualTo(((RSAPrivateCrtKey) rsa.getPrivate()).getPrivateExponent());
  }

  @Test
  void keyAfterACertificate_isFound() {
    String pem = Pem.certificate(leaf) + Pem.privateKey(leafKey.getPrivate());
    assertThat(Pem.parsePrivateKey(pem)).isEqualTo(leafKey.getPrivate());
  }

  @Test
  void encryptedPkcs8Key_isRefusedWithAClearMessage() throws Exception {
    OutputEncryptor encryptor =
        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
            .setProvider(new BouncyCastleProvider())
            .setPassword("secret".toCharArray())
            .build();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(leafKey.getPrivate(), encryptor));
    }
    assertThat(out.toString()).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThatThrownBy(() -> Pem.parsePrivateKey(out.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("private key is encrypted; edgetrust reads unencrypted PEM keys");
  }

  @Test
  void legacyOpenSslEncryptedKey_isRefusedWithAClearMessage() throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(
          leafKey,
          new JcePEMEncryptorBuilder("AES-256-CBC")
              .setProvider(new BouncyCastleProvider())
              .build("secret".toCharArray()));
    }
    assertThat(out.toString()).contains("Proc-Type: 4,ENCRYPTED");
    assertThatThrownBy(() -> Pem.parsePrivateKey(out.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("private key is encrypted; edgetrust reads unencrypted PEM keys");
  }

  @Test
  void textWithoutAKey_isRefused() {
    assertThatThrownBy(() -> Pem.parsePrivateKey(Pem.certificate(leaf)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM private key found");
    assertThatThrownBy(
            () -> Pem.parsePrivateKey(Pem.encode("PUBLIC KEY", leafKey.getPublic().getEncoded())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM private key found");
    assertThatThrownBy(() -> Pem.parsePrivateKey("not pem at all"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM private key found");
  }

  @Test
  void brokenKeys_areRefusedWithMessagesThatNeverContainKeyMaterial() throws Exception {
    List<KeyPair> keys = List.of(leafKey, bouncyCastleP256(), TestCertificates.rsa(2048));
    Random random = new Random(4);
    int refused = 0;
    for (KeyPair pair : keys) {
      List<String> secrets = secretsOf(pair);
      for (String pem : List.of(Pem.privateKey(pair.getPrivate()), jcaPem(pair))) {
        for (String broken : breakings(pem, random)) {
          try {
            Pem.parsePrivateKey(broken);
          } catch (IllegalArgumentException e) {
            refused++;
            for (Throwable t = e; t != null; t = t.getCause()) {
              String message = String.valueOf(t.getMessage());
              for (String secret : secrets) {
                if (message.contains(secret)) {
                  fail(
                      "message of "
                          + t.getClass().getName()
                          + " contains key material: "
                          + message);
                }
              }
            }
          } catch (RuntimeException e) {
            fail("parsePrivateKey threw " + e + " instead of IllegalArgumentException", e);
          }
        }
      }
    }
    assertThat(refused).as("most broken keys are refused").isGreaterThan(400);
  }

  /** Pieces of the key's text and numbers that must not appear in an error message. */
  private static List<String> secretsOf(KeyPair pair) throws Exception {
    List<String> secrets = new ArrayList<>();
    for (String pem : List.of(Pem.privateKey(pair.getPrivate()), jcaPem(pair))) {
      for (String line : pem.lines().toList()) {
        if (!line.startsWith("-----") && line.length() >= 24) {
          for (int i = 0; i + 16 <= line.length(); i += 8) {
            secrets.add(line.substring(i, i + 16));
          }
        }
      }
    }
    BigInteger secret =
        pair.getPrivate() instanceof ECPrivateKey ec
            ? ec.getS()
            : ((RSAPrivateCrtKey) pair.getPrivate()).getPrimeP();
    String hex = secret.toString(16);
    String decimal = secret.toString();
    secrets.add(hex.substring(0, 16));
    secrets.add(decimal.substring(0, 16));
    secrets.add(HexFormat.of().formatHex(pair.getPrivate().getEncoded()).substring(20, 52));
    return secrets;
  }

  /** Ways a key file gets broken: truncation, flipped characters, mangled DER re-armoured. */
  private static List<String> breakings(String pem, Random random) {
    List<String> out = new ArrayList<>();
    List<String> lines = pem.lines().toList();
    String header = lines.get(0);
    String footer = lines.get(lines.size() - 1);
    String body =
        String.join(
            "", lines.subList(1, lines.size() - 1).stream().filter(l -> !l.contains(":")).toList());
    byte[] der = Base64.getDecoder().decode(body);
    for (int i = 0; i < 150; i++) {
      out.add(pem.substring(0, 1 + random.nextInt(pem.length() - 1)));
      char[] chars = pem.toCharArray();
      int at = header.length() + 1 + random.nextInt(body.length());
      chars[at] = "!@#$%^&*()ABCabc019+/=".charAt(random.nextInt(22));
      out.add(new String(chars));
      byte[] mangled = der.clone();
      for (int n = 0; n <= random.nextInt(4); n++) {
        mangled[random.nextInt(mangled.length)] = (byte) random.nextInt(256);
      }
      out.add(
          header
              + "\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(mangled)
              + "\n"
              + footer
              + "\n");
    }
    out.add(header + "\n" + body + "\n");
    out.add(pem.replace(footer, "-----END SOMETHING ELSE-----"));
    return out;
  }

  private static KeyPair bouncyCastleP256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String jcaPem(KeyPair pair) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pair);
    }
    return out.toString();
  }
}
