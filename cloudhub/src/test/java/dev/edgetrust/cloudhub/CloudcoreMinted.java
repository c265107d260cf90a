package dev.edgetrust.cloudhub;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What cloudcore (KubeEdge v1.15) mints, made here the way its code makes it, from the CA files the
 * CloudHub under test uses: node certificates as {@code signCerts} / {@code NewCertFromCa} issue
 * them for edgecore's CSR, and join tokens as {@code refreshToken} signs them.
 */
final class CloudcoreMinted {
  private CloudcoreMinted() {}

  /**
   * A node certificate as cloudcore signs edgecore's CSR: subject {@code O=kubeEdge,
   * CN=kubeedge.io} copied from the CSR (Go writes O before CN), a random serial below 2^63, key
   * usage digitalSignature|keyEncipherment (critical), extended key usage clientAuth, the CA's key
   * id, no SANs, no basic constraints.
   */
  static HeldCertificate nodeCertificate(HubFixture f, Duration validity) throws Exception {
    KeyPair keys = Keys.newP256();
    X509Certificate ca = f.ca.caCertificate();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            new X500Name(ca.getSubjectX500Principal().getName()),
            new BigInteger(63, new SecureRandom()),
            Date.from(now),
            Date.from(now.plus(validity)),
            new X500Name("O=kubeEdge,CN=kubeedge.io"),
            keys.getPublic());
    builder.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    builder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
    PrivateKey caKey = caKey(f);
    X509Certificate cert =
        Certificates.parseDer(
            builder
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey))
                .getEncoded());
    return new HeldCertificate(keys.getPrivate(), List.of(cert, ca));
  }

  /**
   * A join token as cloudcore mints it: {@code hex(sha256(CA DER)) + "." + JWT}, the JWT HS256
   * ({@code {"alg":"HS256","typ":"JWT"}}) with claim {@code exp} only, keyed with the CA key's DER
   * bytes as cloudcore holds them: SEC1, as Go's {@code x509.MarshalECPrivateKey} writes it,
   * assembled here byte by byte.
   */
  static String joinToken(HubFixture f, Instant expiresAt) throws Exception {
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String payload = b64("{\"exp\":" + expiresAt.getEpochSecond() + "}");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(goSec1(f), "HmacSHA256"));
    String signature =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal((header + "." + payload).getBytes(UTF_8)));
    return Certificates.sha256Hex(f.ca.caCertificate())
        + "."
        + header
        + "."
        + payload
        + "."
        + signature;
  }

  /** {@code SEQUENCE {1, OCTET STRING d(32), [0] {prime256v1}, [1] {BIT STRING 04|x|y}}}. */
  static byte[] goSec1(HubFixture f) throws Exception {
    ECPrivateKey key = (ECPrivateKey) caKey(f);
    ECPublicKey pub = (ECPublicKey) f.ca.caCertificate().getPublicKey();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(HexFormat.of().parseHex("307702010104" + "20"));
    out.write(fixed32(key.getS()));
    out.write(HexFormat.of().parseHex("a00a06082a8648ce3d030107" + "a144034200" + "04"));
    out.write(fixed32(pub.getW().getAffineX()));
    out.write(fixed32(pub.getW().getAffineY()));
    return out.toByteArray();
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  private static PrivateKey caKey(HubFixture f) throws Exception {
    return Pem.parsePrivateKey(Files.readString(f.settings.caKeyFile()));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(UTF_8));
  }
}
