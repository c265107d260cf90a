package dev.edgetrust.cloudhub;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.HeldCertificate;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * Run in a JVM of its own by {@link TlsVersionTest}, with security properties that let the JDK
 * speak TLS 1.0 and 1.1 again: connects with exactly one protocol version and a node certificate,
 * and prints {@code OK <protocol>} or {@code FAIL <exception>: <message>}.
 *
 * <p>Arguments: host port protocol keyFile certFile caFile.
 */
public final class LegacyTlsClient {
  private LegacyTlsClient() {}

  public static void main(String[] args) throws Exception {
    HeldCertificate held =
        new KeyCertificateFiles(Path.of(args[3]), Path.of(args[4])).read().orElseThrow();
    var ca = KeyCertificateFiles.readCertificates(Path.of(args[5]));
    try (SSLSocket socket =
        (SSLSocket)
            JdkTls.context(Optional.of(held), ca)
                .getSocketFactory()
                .createSocket(args[0], Integer.parseInt(args[1]))) {
      socket.setEnabledProtocols(new String[] {args[2]});
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      System.out.println("OK " + socket.getSession().getProtocol());
    } catch (Exception e) {
      System.out.println("FAIL " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
