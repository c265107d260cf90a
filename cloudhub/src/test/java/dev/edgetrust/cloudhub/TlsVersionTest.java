package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.tls.TlsProtocols;
import dev.edgetrust.x509.HeldCertificate;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS below 1.2 is refused on both CloudHub ports, even to a client holding a valid node
 * certificate. The JDK itself no longer offers TLS 1.0/1.1, so the client runs in a JVM of its own
 * whose security properties enable them again; it must then be turned away with a protocol_version
 * alert (not a refused connection or a certificate problem), while TLS 1.2 and 1.3 clients with the
 * same certificate get through.
 */
class TlsVersionTest {
  @TempDir Path dir;
  HubFixture f;
  Path key;
  Path cert;
  Path ca;
  Path legacySecurity;

  @BeforeEach
  void start() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate node = f.enroll("edge-tls");
    key = dir.resolve("node/node.key");
    cert = dir.resolve("node/node.crt");
    Files.createDirectories(key.getParent());
    new KeyCertificateFiles(key, cert).write(node);
    ca = dir.resolve("node/ca.crt");
    KeyCertificateFiles.writeCertificates(ca, f.ca.trustAnchors());
    // The JDK's list without TLSv1 and TLSv1.1 (and so without the ciphers' bans that need them).
    legacySecurity = dir.resolve("legacy-tls.security");
    Files.writeString(
        legacySecurity,
        "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224, anon, NULL\n");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private String handshake(InetSocketAddress server, String protocol)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.security.properties=" + legacySecurity,
                LegacyTlsClient.class.getName(),
                "127.0.0.1",
                Integer.toString(server.getPort()),
                protocol,
                key.toString(),
                cert.toString(),
                ca.toString())
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the TLS client did not finish");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return out.lines()
        .filter(l -> l.startsWith("OK") || l.startsWith("FAIL"))
        .findFirst()
        .orElse(out);
  }

  @Test
  void tls11AndTls10_areRefusedWithProtocolVersion_onBothPorts() throws Exception {
    for (InetSocketAddress port :
        List.of(f.hub.websocketAddress().orElseThrow(), f.hub.bootstrapAddress().orElseThrow())) {
      for (String old : List.of("TLSv1.1", "TLSv1")) {
        assertThat(handshake(port, old))
            .as(old + " on port " + port.getPort())
            .startsWith("FAIL javax.net.ssl.SSLHandshakeException")
            .contains("protocol_version");
      }
    }
  }

  @Test
  void tls12AndTls13_withTheSameCertificate_getThrough_onBothPorts() throws Exception {
    for (InetSocketAddress port :
        List.of(f.hub.websocketAddress().orElseThrow(), f.hub.bootstrapAddress().orElseThrow())) {
      assertThat(handshake(port, "TLSv1.2")).isEqualTo("OK TLSv1.2");
      assertThat(handshake(port, "TLSv1.3")).isEqualTo("OK TLSv1.3");
    }
  }

  @Test
  void serverEnginesEnableOnly12And13_whateverTheJvmWouldAllow() throws Exception {
    // The protocol list is the server's own, not the JVM's: a JVM configured to allow TLS 1.0
    // still gets engines limited to TlsProtocols.supported().
    ServerTls tls = ServerTls.of(f.enroll("any-key-will-do"), f.ca.trustAnchors());
    for (var context : List.of(tls.websocket(), tls.bootstrap())) {
      SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
      assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder(TlsProtocols.supported());
    }
    assertThat(TlsProtocols.supported()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
  }
}
