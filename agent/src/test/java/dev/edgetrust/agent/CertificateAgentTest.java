package dev.edgetrust.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.HeldCertificate;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAgentTest {
  @TempDir Path dir;
  BuiltinCa ca;

  @BeforeEach
  void ca() throws Exception {
    ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("pki/ca.crt"), dir.resolve("pki/ca.key")),
            Clock.systemUTC());
  }

  private CertificateAgent.Target target(Duration lifetime) throws Exception {
    return new CertificateAgent.Target(
        dir.resolve("shared/server.key"),
        dir.resolve("shared/server.crt"),
        dir.resolve("shared/ca.crt"),
        "cloudhub",
        List.of("cloudhub.kubeedge.svc"),
        List.of(InetAddress.getByName("10.0.0.7")),
        lifetime);
  }

  /** The CA, but it can be switched off like an unreachable PKI. */
  static final class Switchable implements PkiProvider {
    final PkiProvider inner;
    final AtomicBoolean down = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();

    Switchable(PkiProvider inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return "switchable";
    }

    @Override
    public IssuedCertificate sign(SigningRequest request) throws PkiException {
      if (down.get()) {
        refused.incrementAndGet();
        throw PkiException.unavailable("the PKI is down", null);
      }
      return inner.sign(request);
    }

    @Override
    public List<X509Certificate> trustAnchors() throws PkiException {
      return inner.trustAnchors();
    }
  }

  @Test
  void once_writesAKeyMadeHereACertificateForTheServerNamesAndTheCaBundle() throws Exception {
    HeldCertificate held =
        new CertificateAgent(ca, target(Duration.ofHours(1)), Clock.systemUTC()).renewNow();

    HeldCertificate onDisk =
        new KeyCertificateFiles(dir.resolve("shared/server.key"), dir.resolve("shared/server.crt"))
            .read()
            .orElseThrow();
    assertThat(onDisk.serialHex()).isEqualTo(held.serialHex());
    assertThat(Files.getPosixFilePermissions(dir.resolve("shared/server.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(onDisk.certificate().getSubjectAlternativeNames())
        .extracting(l -> (Object) l.get(1))
        .containsExactlyInAnyOrder("cloudhub.kubeedge.svc", "10.0.0.7");
    assertThat(KeyCertificateFiles.readCertificates(dir.resolve("shared/ca.crt")))
        .containsExactly(ca.caCertificate());
    onDisk.certificate().verify(ca.caCertificate().getPublicKey());
  }

  @Test
  void renewalTime_isTwoThirdsOfTheLifetime() throws Exception {
    HeldCertificate held =
        new CertificateAgent(ca, target(Duration.ofHours(3)), Clock.systemUTC()).renewNow();

    Duration life = Duration.between(held.notBefore(), held.notAfter());
    assertThat(Duration.between(held.notBefore(), CertificateAgent.renewalTime(held)))
        .isBetween(
            life.multipliedBy(2).dividedBy(3).minusSeconds(1),
            life.multipliedBy(2).dividedBy(3).plusSeconds(1));
  }

  @Test
  void retryDelay_growsAndIsCapped() {
    for (int attempt = 1; attempt < 40; attempt++) {
      Duration d = CertificateAgent.retryDelay(attempt);
      assertThat(d).isPositive().isLessThanOrEqualTo(CertificateAgent.MAX_RETRY);
    }
    assertThat(CertificateAgent.retryDelay(1)).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void pkiDown_nothingIsWrittenAndTheOldPairStays() throws Exception {
    Switchable pki = new Switchable(ca);
    CertificateAgent agent =
        new CertificateAgent(pki, target(Duration.ofHours(1)), Clock.systemUTC());
    HeldCertificate first = agent.renewNow();
    byte[] keyBefore = Files.readAllBytes(dir.resolve("shared/server.key"));

    pki.down.set(true);

    assertThatThrownBy(agent::renewNow).isInstanceOf(PkiException.class);
    assertThat(Files.readAllBytes(dir.resolve("shared/server.key"))).isEqualTo(keyBefore);
    assertThat(agent.current().orElseThrow().serialHex()).isEqualTo(first.serialHex());
  }

  /**
   * The serial in the files, once they hold a matching pair (the agent may be between two renames).
   */
  private static String serialOnDisk(CertificateAgent agent) {
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.current().isPresent());
    return agent.current().orElseThrow().serialHex();
  }

  @Test
  void run_renewsBeforeExpiry_andRecoversWhenThePkiComesBack() throws Exception {
    Switchable pki = new Switchable(ca);
    CertificateAgent agent =
        new CertificateAgent(pki, target(Duration.ofSeconds(3)), Clock.systemUTC());
    Set<String> serials = new HashSet<>();
    Thread sidecar = new Thread(agent::run);
    sidecar.start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                agent.current().ifPresent(h -> serials.add(h.serialHex()));
                return serials.size() >= 3;
              });
      pki.down.set(true);
      // Once a request was refused the agent is on its failure path: no renewal is in flight.
      await().atMost(Duration.ofSeconds(30)).until(() -> pki.refused.get() >= 1);
      String during = serialOnDisk(agent);
      await().atMost(Duration.ofSeconds(60)).until(() -> pki.refused.get() >= 3);
      assertThat(serialOnDisk(agent))
          .as("nothing replaced while the PKI is down")
          .isEqualTo(during);
      pki.down.set(false);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> agent.current().map(h -> !h.serialHex().equals(during)).orElse(false));
    } finally {
      agent.stop();
      sidecar.join(10_000);
    }
    assertThat(sidecar.isAlive()).isFalse();
  }
}
