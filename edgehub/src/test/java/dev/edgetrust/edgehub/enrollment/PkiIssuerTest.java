package dev.edgetrust.edgehub.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.testing.TestCa;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeIssuance;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge's side of an external PKI: what it asks for, what it accepts, what it writes. */
class PkiIssuerTest {
  private static final NodeName NODE = NodeName.of("node-a");
  private static final Duration TTL = Duration.ofMinutes(10);

  @TempDir Path dir;
  private final TestCa ca = new TestCa("pki-ca");

  /** Signs with a real CA; {@code tamper} lets a test make it answer with something else. */
  private final class TestPki implements PkiProvider {
    final List<SigningRequest> requests = new CopyOnWriteArrayList<>();
    UnaryOperator<SigningRequest> tamper = UnaryOperator.identity();
    PkiException failure;

    @Override
    public String name() {
      return "test";
    }

    @Override
    public IssuedCertificate sign(SigningRequest request) throws PkiException {
      requests.add(request);
      if (failure != null) {
        throw failure;
      }
      SigningRequest r = tamper.apply(request);
      X509Certificate cert =
          ca.issueClient(
              r.subject(),
              r.csr().publicKey(),
              Instant.now().minusSeconds(30),
              r.ttl().plusSeconds(30));
      return new IssuedCertificate(cert, List.of(ca.certificate()));
    }

    @Override
    public List<X509Certificate> trustAnchors() {
      return List.of(ca.certificate());
    }
  }

  private final TestPki pki = new TestPki();

  private KeyCertificateFiles files() {
    return new KeyCertificateFiles(
        dir.resolve("certs/server.key"), dir.resolve("certs/server.crt"));
  }

  private PkiIssuer issuer() {
    NodeIssuance issuance =
        NodeIssuance.builder(pki, TTL)
            .lifetimeStart(NodeIssuance.LifetimeStart.NOT_AFTER_MINUS_TTL)
            .mayRecover(true)
            .refusalRetry(Duration.ofMinutes(1))
            .build();
    return new PkiIssuer(NODE, issuance, dir.resolve("ca.crt"), files(), Clock.systemUTC());
  }

  @Test
  void enroll_asksForThisNodesClientCertificate_andWritesCaKeyAndCertificate() throws Exception {
    NodeCredentials credentials = issuer().enroll("first start");

    SigningRequest asked = pki.requests.get(0);
    assertThat(asked.subject()).isEqualTo(NODE.subject());
    assertThat(asked.usages()).containsExactly(CertificateUsage.CLIENT_AUTH);
    assertThat(asked.ttl()).isEqualTo(TTL);
    assertThat(NodeName.fromCertificate(credentials.held().certificate())).isEqualTo(NODE);
    assertThat(credentials.ca()).isEqualTo(ca.certificate());
    assertThat(KeyCertificateFiles.readCertificates(dir.resolve("ca.crt")))
        .containsExactly(ca.certificate());
    assertThat(files().read().orElseThrow().certificate())
        .isEqualTo(credentials.held().certificate());
    assertThat(Files.getPosixFilePermissions(files().keyFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(files().keyFile().getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void renew_makesANewKey_andReplacesThePair() throws Exception {
    NodeCredentials first = issuer().enroll("first start");

    NodeCredentials second = issuer().renew(first);

    assertThat(second.held().serialHex()).isNotEqualTo(first.held().serialHex());
    assertThat(second.held().certificate().getPublicKey())
        .isNotEqualTo(first.held().certificate().getPublicKey());
    assertThat(files().read().orElseThrow().certificate()).isEqualTo(second.held().certificate());
  }

  @Test
  void answerNamingAnotherNode_isRefused_andNothingIsWritten() {
    pki.tamper = r -> SigningRequest.forNode(NodeName.of("node-b"), r.csr(), r.usages(), r.ttl());

    assertThatThrownBy(() -> issuer().enroll("first start"))
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("names node 'node-b', not this node 'node-a'");
    assertThat(files().exists()).isFalse();
    assertThat(dir.resolve("ca.crt")).doesNotExist();
  }

  @Test
  void answerForAnotherKey_isRefused() {
    KeyPair other = Keys.newP256();
    pki.tamper =
        r ->
            SigningRequest.forNode(
                NODE, dev.edgetrust.x509.Csr.create(other, NODE.subject()), r.usages(), r.ttl());

    assertThatThrownBy(() -> issuer().enroll("first start"))
        .hasMessageContaining("for another key than the one this node made");
    assertThat(files().exists()).isFalse();
  }

  @Test
  void pkiUnavailable_isRetryable_pkiRefusal_isNot_andTheMessageIsThePkis() {
    pki.failure =
        PkiException.unavailable(
            "Vault at https://v:8200 is sealed or unavailable (503 on pki/sign/x)", null);
    assertThatThrownBy(() -> issuer().enroll("first start"))
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageContaining("sealed");

    pki.failure =
        PkiException.refused("Vault token in /t is expired or revoked: write a new token to /t");
    assertThatThrownBy(() -> issuer().enroll("first start"))
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessage("Vault token in /t is expired or revoked: write a new token to /t");
  }

  @Test
  void lifetimeStart_ignoresABackdatedNotBefore_soAShortCertificateIsNotRenewedAtOnce()
      throws Exception {
    NodeCredentials credentials = issuer().enroll("first start");
    HeldCertificate held = credentials.held();

    assertThat(held.notBefore()).isBefore(held.notAfter().minus(TTL));
    assertThat(issuer().lifetimeStart(held)).isEqualTo(held.notAfter().minus(TTL));
    assertThat(issuer().refusalRetry()).contains(Duration.ofMinutes(1));
  }

  @Test
  void vaultEnabledWithoutAnIssuer_isRefusedWhenTheEdgeHubIsBuilt() {
    EdgeHubSettings settings =
        EdgeHubSettings.builder(
                NODE,
                new ServerAddress("127.0.0.1", 10000),
                URI.create("https://127.0.0.1:10002"),
                dir)
            .pki(Optional.of(new UnstartedPki("vault")))
            .build();

    assertThatThrownBy(() -> EdgeHub.builder(settings).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Vault issuer");
  }

  /** A PKI's enabled edge section, as a provider's factory binds it; never started here. */
  private record UnstartedPki(String provider) implements EdgePki {
    @Override
    public List<Path> secretFiles() {
      return List.of();
    }

    @Override
    public double renewalFrom() {
      return 2.0 / 3.0;
    }

    @Override
    public double renewalTo() {
      return 0.75;
    }

    @Override
    public NodeIssuance start() {
      throw new AssertionError("the EdgeHub starts no PKI itself");
    }
  }
}
