package dev.edgetrust.pki.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinCaTest {
  @TempDir Path dir;

  private BuiltinCa newCa(Clock clock) throws Exception {
    return BuiltinCa.loadOrCreate(
        BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key")), clock);
  }

  @Test
  void firstStart_createsP256CaWithPrivateFiles() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());

    X509Certificate cert = ca.caCertificate();
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca/rootCA.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca/join-token.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void secondStart_loadsTheSameCaAndTokenSecret() throws Exception {
    BuiltinCa first = newCa(Clock.systemUTC());
    String token = first.mintJoinToken(Duration.ofHours(1)).value();

    BuiltinCa second = newCa(Clock.systemUTC());

    assertThat(second.caCertificate()).isEqualTo(first.caCertificate());
    second.verifyJoinToken(jwtOf(token));
  }

  @Test
  void caCertificateWithoutKey_isRefusedNamingTheKeyFile() throws Exception {
    newCa(Clock.systemUTC());
    Files.delete(dir.resolve("ca/rootCA.key"));

    assertThatThrownBy(() -> newCa(Clock.systemUTC()))
        .isInstanceOf(CredentialFileException.class)
        .hasMessageContaining("rootCA.key")
        .hasMessageContaining("missing");
  }

  @Test
  void sign_usesTheRequestedSubjectNotTheCsrs() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());
    KeyPair keys = Keys.newP256();
    Csr csr = Csr.create(keys, new X500Principal("CN=kubeedge.io, O=kubeEdge"));

    IssuedCertificate issued =
        ca.sign(
            SigningRequest.forNode(
                NodeName.of("edge-1"),
                csr,
                EnumSet.of(CertificateUsage.CLIENT_AUTH),
                Duration.ofDays(1)));

    X509Certificate cert = issued.certificate();
    assertThat(NodeName.fromCertificate(cert)).isEqualTo(NodeName.of("edge-1"));
    assertThat(cert.getSubjectX500Principal().getName()).contains("O=system:nodes");
    assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CertificateUsage.CLIENT_AUTH.oid());
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    cert.verify(ca.caCertificate().getPublicKey());
    assertThat(issued.caChain()).containsExactly(ca.caCertificate());
  }

  @Test
  void sign_lifetimeIsTheRequestedTtlWithASmallBackdate() throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    BuiltinCa ca = newCa(Clock.fixed(now, ZoneOffset.UTC));
    Csr csr = Csr.create(Keys.newP256(), new X500Principal("CN=x"));

    X509Certificate cert =
        ca.sign(
                SigningRequest.forNode(
                    NodeName.of("n"),
                    csr,
                    Set.of(CertificateUsage.CLIENT_AUTH),
                    Duration.ofSeconds(20)))
            .certificate();

    assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plusSeconds(20));
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minusSeconds(2));
  }

  @Test
  void signServer_carriesDnsAndIpSans() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());
    Csr csr = Csr.create(Keys.newP256(), new X500Principal("CN=whatever"));

    X509Certificate cert =
        ca.sign(
                SigningRequest.forServer(
                    "cloudhub",
                    csr,
                    List.of("cloudhub.example"),
                    List.of(InetAddress.getByName("127.0.0.1")),
                    Duration.ofDays(30)))
            .certificate();

    assertThat(cert.getSubjectAlternativeNames())
        .extracting(l -> (Object) l.get(1))
        .containsExactlyInAnyOrder((Object) "cloudhub.example", "127.0.0.1");
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CertificateUsage.SERVER_AUTH.oid());
  }

  @Test
  void serials_areUniqueAndLong() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());
    Csr csr = Csr.create(Keys.newP256(), new X500Principal("CN=x"));
    SigningRequest req =
        SigningRequest.forNode(
            NodeName.of("n"), csr, Set.of(CertificateUsage.CLIENT_AUTH), Duration.ofHours(1));

    IssuedCertificate a = ca.sign(req);
    IssuedCertificate b = ca.sign(req);

    assertThat(a.serial()).isNotEqualTo(b.serial());
    assertThat(a.serial().bitLength()).isGreaterThanOrEqualTo(120);
  }

  @Test
  void joinToken_startsWithTheCaHash() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());

    String token = ca.mintJoinToken(Duration.ofHours(24)).value();

    assertThat(token.split("\\.")).hasSize(4);
    assertThat(token.split("\\.")[0]).isEqualTo(Certificates.sha256Hex(ca.caCertificate()));
    ca.verifyJoinToken(jwtOf(token));
  }

  @Test
  void expiredJoinToken_isRefused() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    BuiltinCa ca = newCa(clock);
    String jwt = jwtOf(ca.mintJoinToken(Duration.ofHours(1)).value());

    clock.now = clock.now.plus(Duration.ofHours(1));

    assertThatThrownBy(() -> ca.verifyJoinToken(jwt))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void joinTokenFromAnotherCloudHub_isRefused() throws Exception {
    BuiltinCa ours = newCa(Clock.systemUTC());
    BuiltinCa theirs =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("other/ca.crt"), dir.resolve("other/ca.key")),
            Clock.systemUTC());

    String foreign = jwtOf(theirs.mintJoinToken(Duration.ofHours(1)).value());

    assertThatThrownBy(() -> ours.verifyJoinToken(foreign))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void tamperedPayload_isRefused() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());
    String[] parts = jwtOf(ca.mintJoinToken(Duration.ofMinutes(1)).value()).split("\\.");
    String longer = b64("{\"exp\":" + (Instant.now().getEpochSecond() + 999_999) + "}");

    assertThatThrownBy(() -> ca.verifyJoinToken(parts[0] + "." + longer + "." + parts[2]))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void algNoneToken_isRefused() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());
    String none = b64("{\"alg\":\"none\"}") + "." + b64("{\"exp\":99999999999}") + ".";

    assertThatThrownBy(() -> ca.verifyJoinToken(none))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("HS256");
  }

  @Test
  void garbageTokens_areRefusedCleanly() throws Exception {
    BuiltinCa ca = newCa(Clock.systemUTC());
    for (String garbage :
        List.of(
            "", "a", "a.b", "a.b.c", "a.b.c.d", "!!!.???.###", "e30.e30.", "x".repeat(10_000))) {
      assertThatThrownBy(() -> ca.verifyJoinToken(garbage)).isInstanceOf(PkiException.class);
    }
  }

  private static String jwtOf(String joinToken) {
    return joinToken.substring(joinToken.indexOf('.') + 1);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
