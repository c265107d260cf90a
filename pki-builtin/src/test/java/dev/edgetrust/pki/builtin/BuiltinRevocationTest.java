package dev.edgetrust.pki.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revocation, the blocklist and the per-node inventory of the built-in CA, on disk. */
class BuiltinRevocationTest {
  @TempDir Path dir;

  /** A clock tests move forward by hand. */
  static final class ManualClock extends Clock {
    volatile Instant now = Instant.now();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private BuiltinCaFiles files() {
    return BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key"));
  }

  private BuiltinCa ca(Clock clock) throws Exception {
    return BuiltinCa.loadOrCreate(files(), clock);
  }

  private static IssuedCertificate signNode(BuiltinCa ca, String node) throws PkiException {
    return ca.sign(
        SigningRequest.forNode(
            NodeName.of(node),
            Csr.create(Keys.newP256(), new X500Principal("CN=x")),
            Set.of(CertificateUsage.CLIENT_AUTH),
            Duration.ofDays(1)));
  }

  private X509CRL crlOnDisk() throws Exception {
    return (X509CRL)
        CertificateFactory.getInstance("X.509")
            .generateCRL(new ByteArrayInputStream(Files.readAllBytes(files().crl())));
  }

  @Test
  void revokedSerial_isInTheSignedCrlOnDisk_andAfterARestart() throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    IssuedCertificate cert = signNode(ca, "edge-1");

    ca.revoke(cert.serial());

    assertThat(ca.revocationList().isRevoked(cert.serial())).isTrue();
    X509CRL onDisk = crlOnDisk();
    onDisk.verify(ca.caCertificate().getPublicKey());
    assertThat(onDisk.getRevokedCertificate(cert.serial())).isNotNull();
    assertThat(Files.readString(files().crl())).startsWith("-----BEGIN X509 CRL-----");

    BuiltinCa restarted = ca(Clock.systemUTC());
    assertThat(restarted.revocationList().isRevoked(cert.serial())).isTrue();
    assertThat(restarted.revocationList().isRevoked(signNode(restarted, "edge-2").serial()))
        .isFalse();
  }

  @Test
  void revokingTwice_keepsTheFirstRevocationTime() throws Exception {
    ManualClock clock = new ManualClock();
    BuiltinCa ca = ca(clock);
    BigInteger serial = signNode(ca, "edge-1").serial();
    Instant first = ca.revoke(serial);
    clock.now = clock.now.plusSeconds(60);

    assertThat(ca.revoke(serial)).isEqualTo(first);
  }

  @Test
  void crlNumber_growsWithEveryPublication() throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    BigInteger before = ca.revocationList().crlNumber().orElseThrow();

    ca.revoke(BigInteger.valueOf(12345));

    assertThat(ca.revocationList().crlNumber().orElseThrow()).isGreaterThan(before);
    assertThat(ca(Clock.systemUTC()).revocationList().crlNumber().orElseThrow())
        .as("a restart continues the numbering")
        .isGreaterThanOrEqualTo(ca.revocationList().crlNumber().orElseThrow());
  }

  @Test
  void revokeAll_publishesOneCrlWithEverySerial_andAfterARestartTheyAreStillRevoked()
      throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    List<BigInteger> serials =
        List.of(
            signNode(ca, "edge-1").serial(),
            signNode(ca, "edge-1").serial(),
            BigInteger.valueOf(777));
    BigInteger before = ca.revocationList().crlNumber().orElseThrow();

    assertThat(ca.revokeAll(serials)).isEmpty();

    RevocationList list = ca.revocationList();
    assertThat(list.crlNumber().orElseThrow())
        .as("one publication for all three")
        .isEqualTo(before.add(BigInteger.ONE));
    assertThat(list.serials()).containsExactlyInAnyOrderElementsOf(serials);
    assertThat(crlOnDisk().getRevokedCertificates()).hasSize(3);
    assertThat(ca(Clock.systemUTC()).revocationList().serials())
        .containsExactlyInAnyOrderElementsOf(serials);
  }

  @Test
  void revokeAll_thatCannotWriteTheCrl_reportsEverySerial_andRevokesNone() throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    BigInteger kept = signNode(ca, "edge-1").serial();
    ca.revoke(kept);
    byte[] crlBefore = Files.readAllBytes(files().crl());
    // A non-empty directory where the new CRL must be renamed to: even root cannot replace it.
    Path crl = files().crl();
    Files.delete(crl);
    Files.createDirectories(crl.resolve("inside"));
    try {
      var failed = ca.revokeAll(List.of(BigInteger.ONE, BigInteger.TWO));

      assertThat(failed).containsOnlyKeys(BigInteger.ONE, BigInteger.TWO);
      assertThat(failed.get(BigInteger.ONE).isRetryable()).isTrue();
      assertThat(failed.get(BigInteger.ONE).getMessage()).contains(crl.toString());
    } finally {
      Files.delete(crl.resolve("inside"));
      Files.delete(crl);
      Files.write(crl, crlBefore);
    }
    assertThat(Files.readAllBytes(crl)).isEqualTo(crlBefore);
    assertThat(ca.revocationList().serials()).containsExactly(kept);
  }

  @Test
  void crl_isResignedOnceHalfItsValidityHasGone_soItNeverGoesStale() throws Exception {
    ManualClock clock = new ManualClock();
    BuiltinCa ca = ca(clock);
    ca.revoke(BigInteger.TEN);
    RevocationList first = ca.revocationList();

    clock.now = clock.now.plus(CrlPublisher.VALIDITY.dividedBy(2)).plusSeconds(1);
    RevocationList later = ca.revocationList();

    assertThat(later.thisUpdate()).isAfter(first.thisUpdate());
    assertThat(later.crlNumber().orElseThrow()).isGreaterThan(first.crlNumber().orElseThrow());
    assertThat(later.isRevoked(BigInteger.TEN)).isTrue();
    assertThat(later.isStaleAt(clock.now)).isFalse();
  }

  @Test
  void blockedNode_cannotGetACertificate_evenAfterARestart() throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    ca.blockNode(NodeName.of("edge-1"));

    assertThatThrownBy(() -> signNode(ca, "edge-1"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("node edge-1 is blocked");
    BuiltinCa restarted = ca(Clock.systemUTC());
    assertThat(restarted.blockedNodes()).containsExactly(NodeName.of("edge-1"));
    assertThatThrownBy(() -> signNode(restarted, "edge-1")).hasMessageContaining("blocked");
    assertThat(signNode(restarted, "edge-2").serial())
        .as("other nodes are not affected")
        .isNotNull();
  }

  @Test
  void blockingTwice_saysItWasAlreadyBlocked() throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    ca.blockNode(NodeName.of("edge-1"));

    assertThat(ca.blockNode(NodeName.of("edge-1")).done()).contains("already");
  }

  @Test
  void unblockedNode_canEnrollAgain_butItsRevokedSerialsStayRevoked() throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    BigInteger old = signNode(ca, "edge-1").serial();
    ca.blockNode(NodeName.of("edge-1"));
    ca.revoke(old);

    var change = ca.unblockNode(NodeName.of("edge-1"));

    assertThat(change.nextStep()).contains("./edgetrust token");
    BuiltinCa restarted = ca(Clock.systemUTC());
    assertThat(restarted.blockedNodes()).isEmpty();
    BigInteger fresh = signNode(restarted, "edge-1").serial();
    assertThat(fresh).isNotEqualTo(old);
    assertThat(restarted.revocationList().isRevoked(old)).isTrue();
    assertThat(restarted.revocationList().isRevoked(fresh)).isFalse();
  }

  @Test
  void issuedSerials_listsEveryNodeCertificate_survivesRestart_andLeavesServerCertificatesOut()
      throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    BigInteger a = signNode(ca, "edge-1").serial();
    BigInteger b = signNode(ca, "edge-1").serial();
    BigInteger other = signNode(ca, "edge-2").serial();
    ca.sign(
        SigningRequest.forServer(
            "KubeEdge",
            Csr.create(Keys.newP256(), new X500Principal("CN=x")),
            List.of("localhost"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(1)));

    BuiltinCa restarted = ca(Clock.systemUTC());

    assertThat(restarted.issuedSerials(NodeName.of("edge-1"))).containsExactlyInAnyOrder(a, b);
    assertThat(restarted.issuedSerials(NodeName.of("edge-2"))).containsExactly(other);
    assertThat(restarted.issuedSerials(NodeName.of("cloudhub"))).isEmpty();
  }

  @Test
  void expiredCertificates_leaveTheInventory() throws Exception {
    ManualClock clock = new ManualClock();
    BuiltinCa ca = ca(clock);
    signNode(ca, "edge-1");

    clock.now = clock.now.plus(Duration.ofDays(2));

    assertThat(ca.issuedSerials(NodeName.of("edge-1"))).isEmpty();
  }

  @Test
  void crlOfAnotherCa_leftInTheStateDirectory_stopsTheStartWithTheFileNamed() throws Exception {
    BuiltinCa other =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("other/ca.crt"), dir.resolve("other/ca.key")),
            Clock.systemUTC());
    other.revoke(BigInteger.ONE);
    ca(Clock.systemUTC());
    Files.copy(dir.resolve("other/crl.pem"), files().crl());

    assertThatThrownBy(() -> ca(Clock.systemUTC()))
        .isInstanceOf(CredentialFileException.class)
        .hasMessageContaining(files().crl().toString())
        .hasMessageContaining("not signed by the CA");
  }

  @Test
  void corruptBlocklist_stopsTheStartWithTheFileNamed() throws Exception {
    ca(Clock.systemUTC());
    Files.writeString(
        files().blocklist(),
        "{\"blocked\":[{\"node\":\"Not A Node\",\"since\":\"2026-01-01T00:00:00Z\"}]}");

    assertThatThrownBy(() -> ca(Clock.systemUTC()))
        .isInstanceOf(CredentialFileException.class)
        .hasMessageContaining(files().blocklist().toString());
  }

  @Test
  void stateFiles_areWrittenWhole_withNoTemporaryFilesLeft() throws Exception {
    BuiltinCa ca = ca(Clock.systemUTC());
    signNode(ca, "edge-1");
    ca.blockNode(NodeName.of("edge-1"));
    ca.revoke(BigInteger.TWO);

    try (var files = Files.list(dir.resolve("ca"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .containsExactlyInAnyOrder(
              "rootCA.crt",
              "rootCA.key",
              "join-token.key",
              "crl.pem",
              "blocked-nodes.json",
              "issued-serials.json.journal");
    }
  }
}
