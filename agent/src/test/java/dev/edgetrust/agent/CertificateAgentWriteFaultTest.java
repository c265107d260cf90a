package dev.edgetrust.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent cannot write the server certificate it just obtained (here: a directory where the
 * staged key must go, which stops root as well as anyone): the pair in place stays byte for byte,
 * the error names the files, and the sidecar loop retries until the write succeeds.
 */
class CertificateAgentWriteFaultTest {
  @TempDir Path dir;

  @Test
  void writeFails_oldPairStaysByteForByte_errorNamesTheFiles_andTheLoopRetriesUntilItSucceeds()
      throws Exception {
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("pki/ca.crt"), dir.resolve("pki/ca.key")),
            Clock.systemUTC());
    CertificateAgent.Target target =
        new CertificateAgent.Target(
            dir.resolve("shared/server.key"),
            dir.resolve("shared/server.crt"),
            dir.resolve("shared/ca.crt"),
            "cloudhub",
            List.of("cloudhub.kubeedge.svc"),
            List.of(InetAddress.getByName("10.0.0.7")),
            Duration.ofSeconds(6));
    AtomicInteger signed = new AtomicInteger();
    PkiProvider counting =
        new PkiProvider() {
          @Override
          public String name() {
            return "counting";
          }

          @Override
          public IssuedCertificate sign(SigningRequest request) throws PkiException {
            signed.incrementAndGet();
            return ca.sign(request);
          }

          @Override
          public List<X509Certificate> trustAnchors() throws PkiException {
            return ca.trustAnchors();
          }
        };
    CertificateAgent agent = new CertificateAgent(counting, target, Clock.systemUTC());
    HeldCertificate first = agent.renewNow();
    byte[] key = Files.readAllBytes(target.keyFile());
    byte[] certificate = Files.readAllBytes(target.certificateFile());

    Path inTheWay = dir.resolve("shared/server.key.next/occupied");
    Files.createDirectories(inTheWay);
    assertThatThrownBy(agent::renewNow)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot write")
        .hasMessageContaining(target.keyFile().toString())
        .hasMessageContaining(target.certificateFile().toString());
    assertThat(Files.readAllBytes(target.keyFile())).isEqualTo(key);
    assertThat(Files.readAllBytes(target.certificateFile())).isEqualTo(certificate);

    // The sidecar: due at 2/3 of 6 s, fails while the path is blocked, retries with backoff.
    Thread loop = new Thread(agent::run, "agent-under-test");
    loop.start();
    try {
      // At least two attempts while the path is blocked: a first failure, then a retry that fails
      // too.
      int before = signed.get();
      await().atMost(Duration.ofSeconds(40)).until(() -> signed.get() >= before + 2);
      assertThat(Files.readAllBytes(target.certificateFile())).isEqualTo(certificate);
      Files.delete(inTheWay);
      // Emptied, it looks like a leftover staged key: the agent's next write may remove it first.
      Files.deleteIfExists(inTheWay.getParent());
      await()
          .atMost(Duration.ofSeconds(40))
          .until(
              () ->
                  agent.current().map(h -> !h.serialHex().equals(first.serialHex())).orElse(false));
    } finally {
      agent.stop();
      loop.join(10_000);
    }
  }
}
