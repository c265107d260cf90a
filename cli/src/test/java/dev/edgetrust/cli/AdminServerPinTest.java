package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin CLI against whatever holds the admin port, as an attacker would set it up: a node that
 * squats the port while the CloudHub restarts, with a certificate from the node CA. Only the
 * CloudHub's own admin certificate (pinned from {@code admin.serverCertFile}) gets a request, and
 * so the token; what the squatter received is checked byte for byte.
 */
class AdminServerPinTest {
  static final String TOKEN = "5ec2e7a0ad31f00d5ec2e7a0ad31f00d";

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  FakeAdminServer fake;

  @AfterEach
  void stop() throws Exception {
    if (fake != null) {
      fake.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Path config(int adminPort) throws Exception {
    Path token = dir.resolve("admin.token");
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
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
            websocket: {address: 127.0.0.1, port: 0}
            https: {address: 127.0.0.1, port: 0}
            admin:
              enable: true
              port: %d
              tokenFile: admin.token
        """
            .formatted(adminPort));
    return file;
  }

  /**
   * Runs the CloudHub once and stops it: the CA, its server certificate and the pin exist, the port
   * is free.
   */
  private CloudHubSettings cloudHubRanOnce(Path config) throws Exception {
    CloudHubSettings settings = CloudHubConfig.load(config);
    try (CloudHub hub =
        CloudHub.start(
            settings, TestBuiltinCa.load(settings), new CloudHubListener() {}, Clock.systemUTC())) {
      assertThat(hub.adminAddress()).isPresent();
    }
    return settings;
  }

  private int run(String... args) {
    return new CommandLine(new NodeCommand())
        .setExecutionExceptionHandler(new UserErrors())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  /** A node certificate with server auth and the admin address, signed by the node CA's key. */
  private static HeldCertificate nodeCertificateWithServerAuth(CloudHubSettings settings)
      throws Exception {
    X509Certificate ca = KeyCertificateFiles.readCertificates(settings.caCertificateFile()).get(0);
    PrivateKey caKey = KeyCertificateFiles.readKey(settings.caKeyFile());
    KeyPair keys = Keys.newP256();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca.getSubjectX500Principal(),
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofHours(1))),
            NodeName.of("edge-1").subject(),
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            new KeyPurposeId[] {
              KeyPurposeId.getInstance(
                  new ASN1ObjectIdentifier(CertificateUsage.SERVER_AUTH.oid())),
              KeyPurposeId.getInstance(new ASN1ObjectIdentifier(CertificateUsage.CLIENT_AUTH.oid()))
            }));
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder(Keys.signatureAlgorithm(caKey)).build(caKey)));
    return new HeldCertificate(keys.getPrivate(), List.of(cert, ca));
  }

  private void assertNoTraceOfTheToken(byte[] received) {
    String text = new String(received, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain(TOKEN).doesNotContain("Authorization").doesNotContain("Bearer");
    assertThat(text)
        .doesNotContain(
            Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.US_ASCII)));
    assertThat(received).as("application bytes the squatter received").isEmpty();
  }

  @Test
  void nodeCertificateWithServerAuth_onTheAdminPort_isRefused_andReceivesNoToken()
      throws Exception {
    int port = freePort();
    Path config = config(port);
    CloudHubSettings settings = cloudHubRanOnce(config);
    fake = FakeAdminServer.start(port, nodeCertificateWithServerAuth(settings));

    int exit = run("list", "--config", config.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .startsWith(
            "edgetrust: refused the server at 127.0.0.1:"
                + port
                + " as the admin API, and sent it nothing: ")
        .contains("CN=system:node:edge-1")
        .contains(settings.admin().serverCertificateFile().toString())
        .hasLineCount(1);
    assertThat(fake.connections.get()).as("the CLI did dial the squatter").isPositive();
    assertNoTraceOfTheToken(fake.received());
  }

  @Test
  void theCloudHubsOwnNodeFacingCertificate_onTheAdminPort_isRefused_andReceivesNoToken()
      throws Exception {
    // Nothing of the node CA is trusted for admin, not even the CloudHub's certificate for nodes.
    int port = freePort();
    Path config = config(port);
    CloudHubSettings settings = cloudHubRanOnce(config);
    HeldCertificate nodeFacing =
        new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile())
            .read()
            .orElseThrow();
    fake = FakeAdminServer.start(port, nodeFacing);

    int exit = run("block", "edge-1", "--config", config.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("sent it nothing")
        .contains("not the pinned certificate")
        .hasLineCount(1);
    assertNoTraceOfTheToken(fake.received());
  }

  @Test
  void missingPinFile_isOneLineSayingWhatToDo_andNothingIsDialed() throws Exception {
    int port = freePort();
    Path config = config(port);
    CloudHubSettings settings = cloudHubRanOnce(config);
    Files.delete(settings.admin().serverCertificateFile());
    fake = FakeAdminServer.start(port, nodeCertificateWithServerAuth(settings));

    int exit = run("list", "--config", config.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "edgetrust: "
                + settings.admin().serverCertificateFile()
                + ": does not exist:"
                + " no admin API certificate to pin (modules.cloudHub.admin.serverCertFile); the CloudHub writes it when it starts"
                + " with the admin API on, so start it, and run this command as a user who can read that file\n");
    assertThat(fake.connections.get()).isZero();
  }

  @Test
  void theCloudHubAfterARestart_isStillThePinnedServer() throws Exception {
    int port = freePort();
    Path config = config(port);
    CloudHubSettings settings = cloudHubRanOnce(config);
    byte[] pin = Files.readAllBytes(settings.admin().serverCertificateFile());

    try (CloudHub hub =
        CloudHub.start(
            settings, TestBuiltinCa.load(settings), new CloudHubListener() {}, Clock.systemUTC())) {
      assertThat(run("list", "--config", config.toString())).as(err.toString()).isZero();
    }
    assertThat(Files.readAllBytes(settings.admin().serverCertificateFile()))
        .as("the pin survives a restart")
        .isEqualTo(pin);
  }

  /** A TLS server on the admin port that records every application byte it is sent. */
  static final class FakeAdminServer implements AutoCloseable {
    final SSLServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Thread thread;

    private FakeAdminServer(SSLServerSocket socket) {
      this.socket = socket;
      this.thread = new Thread(this::serve, "fake-admin");
      thread.setDaemon(true);
      thread.start();
    }

    static FakeAdminServer start(int port, HeldCertificate identity) throws Exception {
      SSLServerSocket socket =
          (SSLServerSocket)
              JdkTls.context(Optional.of(identity), List.of())
                  .getServerSocketFactory()
                  .createServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return new FakeAdminServer(socket);
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (SSLSocket client = (SSLSocket) socket.accept()) {
          connections.incrementAndGet();
          client.setSoTimeout(5000);
          client.startHandshake();
          InputStream in = client.getInputStream();
          byte[] buffer = new byte[4096];
          int n;
          while ((n = in.read(buffer)) > 0) {
            synchronized (received) {
              received.write(buffer, 0, n);
            }
            if (new String(received(), StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
              // Answer like the admin API, so that a client that trusted us finishes normally.
              client
                  .getOutputStream()
                  .write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              + "Content-Length: 12\r\nConnection: close\r\n\r\n{\"nodes\":[]}")
                          .getBytes(StandardCharsets.US_ASCII));
              client.getOutputStream().flush();
              break;
            }
          }
        } catch (IOException e) {
          // A refused handshake or a closed socket: the connection is over.
        }
      }
    }

    byte[] received() {
      synchronized (received) {
        return received.toByteArray();
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(5000);
    }
  }
}
