package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Keys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ca import} with Secrets made here in cloudcore's exact format (v1.15's
 * PrepareAllCerts/CreateCaSecret: an EC P-256 CA, keys as SEC1 DER, everything base64 in an Opaque
 * Secret), as {@code kubectl get secret -o yaml} prints them.
 */
class CaImportTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  CloudHub hub;
  X509Certificate caCert;
  String cadata;
  String cakeydata;
  String cloudcoredata;
  String cloudcorekeydata;

  @BeforeEach
  void cloudcoreMadeItsCa() throws Exception {
    KeyPair ca = Keys.newP256();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder caBuilder =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=KubeEdge"),
            BigInteger.valueOf(1024),
            Date.from(now),
            Date.from(now.plus(Duration.ofDays(36500))),
            new X500Name("CN=KubeEdge"),
            ca.getPublic());
    caBuilder.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign));
    caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    caCert = sign(caBuilder, ca);
    KeyPair server = Keys.newP256();
    JcaX509v3CertificateBuilder serverBuilder =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=KubeEdge"),
            BigInteger.valueOf(4242),
            Date.from(now),
            Date.from(now.plus(Duration.ofDays(36500))),
            new X500Name("O=KubeEdge,CN=KubeEdge"),
            server.getPublic());
    serverBuilder.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    serverBuilder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    serverBuilder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate serverCert = sign(serverBuilder, ca);
    cadata = b64(caCert.getEncoded());
    cakeydata = b64(sec1(ca));
    cloudcoredata = b64(serverCert.getEncoded());
    cloudcorekeydata = b64(sec1(server));
  }

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  /** SEC1 with the curve and the public point, as Go's x509.MarshalECPrivateKey writes it. */
  private static byte[] sec1(KeyPair keys) throws Exception {
    ECPrivateKey key = (ECPrivateKey) keys.getPrivate();
    return new org.bouncycastle.asn1.sec.ECPrivateKey(
            256,
            key.getS(),
            new DERBitString(
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                    .getPublicKeyData()
                    .getBytes()),
            PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm().getParameters())
        .getEncoded("DER");
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair ca)
      throws Exception {
    return Certificates.parseDer(
        builder
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate()))
            .getEncoded());
  }

  private static String b64(byte[] der) {
    return Base64.getEncoder().encodeToString(der);
  }

  private static String secret(String name, String data) {
    return """
        apiVersion: v1
        data:
        %s
        kind: Secret
        metadata:
          name: %s
          namespace: kubeedge
        type: Opaque
        """
        .formatted(data.indent(2).stripTrailing(), name);
  }

  private String secretsAsDocuments() {
    return secret("casecret", "cadata: " + cadata + "\ncakeydata: " + cakeydata)
        + "---\n"
        + secret(
            "cloudcoresecret",
            "cloudcoredata: " + cloudcoredata + "\ncloudcorekeydata: " + cloudcorekeydata)
        + "---\n"
        + secret(
            "tokensecret",
            "tokendata: " + b64("abc.def.ghi".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private String secretsAsList() {
    String items =
        ("- "
                + secret("casecret", "cadata: " + cadata + "\ncakeydata: " + cakeydata)
                    .indent(2)
                    .strip()
                + "\n- "
                + secret(
                        "cloudcoresecret",
                        "cloudcoredata: "
                            + cloudcoredata
                            + "\ncloudcorekeydata: "
                            + cloudcorekeydata)
                    .indent(2)
                    .strip())
            .indent(0);
    return "apiVersion: v1\nitems:\n" + items + "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Path config() throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        """
        modules:
          cloudHub:
            tlsCAFile: ca/rootCA.crt
            tlsCAKeyFile: ca/rootCA.key
            tlsCertFile: certs/server.crt
            tlsPrivateKeyFile: certs/server.key
            advertiseAddress: [127.0.0.1]
            websocket: {address: 127.0.0.1, port: %d}
            https: {address: 127.0.0.1, port: %d}
        """
            .formatted(freePort(), freePort()));
    return file;
  }

  private int importFrom(Path config, String yaml) throws Exception {
    Path secrets = dir.resolve("secrets.yaml");
    Files.writeString(secrets, yaml);
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(new UserErrors())
        .setParameterExceptionHandler(new UserErrors())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute("ca", "import", "--config", config.toString(), "--secrets", secrets.toString());
  }

  /** What the started CloudHub serves at /ca.crt, fetched over its (imported) TLS identity. */
  private byte[] servedCa(Path config) throws Exception {
    CloudHubSettings settings = CloudHubConfig.load(config);
    hub =
        CloudHub.start(
            settings, TestBuiltinCa.load(settings), new CloudHubListener() {}, Clock.systemUTC());
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(Optional.empty(), List.of(caCert)))
            .build();
    return http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "https://127.0.0.1:"
                            + hub.bootstrapAddress().orElseThrow().getPort()
                            + "/ca.crt"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }

  @Test
  void cloudcoreSecrets_asDocuments_becomeACloudHubServingTheSameCaHash() throws Exception {
    Path config = config();

    assertThat(importFrom(config, secretsAsDocuments())).as(err.toString()).isZero();

    assertThat(Certificates.sha256Hex(servedCa(config)))
        .isEqualTo(Certificates.sha256Hex(Base64.getDecoder().decode(cadata)));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca/rootCA.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.readString(dir.resolve("ca/rootCA.key")))
        .startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void cloudcoreSecrets_asAList_areImportedToo() throws Exception {
    Path config = config();

    assertThat(importFrom(config, secretsAsList())).as(err.toString()).isZero();

    X509Certificate written =
        dev.edgetrust.credential.KeyCertificateFiles.readCertificates(
                CloudHubConfig.load(config).caCertificateFile())
            .get(0);
    assertThat(written).isEqualTo(caCert);
  }

  @Test
  void anotherCaInPlace_isNotReplaced_andTheErrorSaysSo() throws Exception {
    Path config = config();
    CloudHubSettings settings = CloudHubConfig.load(config);
    TestBuiltinCa.load(settings); // makes a CA of its own
    byte[] before = Files.readAllBytes(settings.caCertificateFile());

    int exit = importFrom(config, secretsAsDocuments());

    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("holds another CA").doesNotContain("Exception");
    assertThat(Files.readAllBytes(settings.caCertificateFile())).isEqualTo(before);
  }

  @Test
  void secretsWithoutTheCa_areRefusedWithOneLineSayingHowToExportThem() throws Exception {
    int exit = importFrom(config(), secret("tokensecret", "tokendata: eA=="));

    assertThat(exit).isNotZero();
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).contains("no Secret named casecret").contains("kubectl get secret");
  }
}
