package dev.edgetrust.pki.jointoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join-token enrollment at the CloudHub, for any PKI: secret, tokens, one use of a node-bound
 * token.
 */
class TokenEnrollmentTest {
  private static final X509Certificate CA =
      TestCertificates.selfSignedCa(Keys.newP256(), "CN=test CA");
  private static final NodeName EDGE_1 = NodeName.of("edge-1");

  @TempDir Path dir;

  private TokenEnrollment open(TokenEnrollment.CaSource ca) throws Exception {
    return TokenEnrollment.open(
        ca, dir.resolve("state/join-token.key"), dir.resolve("state/used.json"), Clock.systemUTC());
  }

  private static String jwt(MintedJoinToken token) {
    return token.value().substring(token.value().indexOf('.') + 1);
  }

  @Test
  void secret_isMadeOnce_ownerOnly_andTokensOfOneSecretVerifyAfterReopening() throws Exception {
    MintedJoinToken token = open(() -> CA).mint(Duration.ofHours(1));

    TokenEnrollment reopened = open(() -> CA);

    assertThat(Files.getPosixFilePermissions(dir.resolve("state/join-token.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(token.value()).startsWith(Certificates.sha256Hex(CA) + ".");
    assertThat(reopened.verifyJoinToken(jwt(token))).isInstanceOf(JoinTokenClaims.Shared.class);
  }

  @Test
  void secretReadableByOthers_isRefusedNamingTheFile() throws Exception {
    open(() -> CA);
    Path secret = dir.resolve("state/join-token.key");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> open(() -> CA))
        .isInstanceOf(CredentialFileException.class)
        .hasMessageContaining(secret.toString());
  }

  @Test
  void tokenOfAnotherSecret_isRefused() throws Exception {
    MintedJoinToken foreign =
        TokenEnrollment.open(
                () -> CA, dir.resolve("other.key"), dir.resolve("other.json"), Clock.systemUTC())
            .mint(Duration.ofHours(1));

    assertThatThrownBy(() -> open(() -> CA).verifyJoinToken(jwt(foreign)))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void nodeBoundToken_isConsumedOnce_durably() throws Exception {
    TokenEnrollment tokens = open(() -> CA);
    JoinTokenClaims.NodeBound bound =
        (JoinTokenClaims.NodeBound)
            tokens.verifyJoinToken(jwt(tokens.mintFor(EDGE_1, Duration.ofHours(1))));

    tokens.consumeJoinToken(bound);

    assertThat(bound.node()).isEqualTo(EDGE_1);
    assertThat(open(() -> CA).joinTokenUse(bound))
        .hasValueSatisfying(u -> assertThat(u.node()).isEqualTo(EDGE_1));
    assertThatThrownBy(() -> open(() -> CA).consumeJoinToken(bound))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("join token already used for node edge-1 at ");
  }

  @Test
  void caIsAskedOnFirstUseOnly_andAPkiThatCannotAnswerFailsTheMint() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    TokenEnrollment tokens =
        open(
            () -> {
              asked.incrementAndGet();
              return CA;
            });
    TokenEnrollment down =
        open(
            () -> {
              throw PkiException.unavailable("CFSSL cannot be reached", null);
            });

    assertThat(asked).hasValue(0);
    tokens.mint(Duration.ofHours(1));
    assertThat(tokens.caCertificate()).isEqualTo(CA);
    assertThat(asked).hasValue(1);
    assertThatThrownBy(() -> down.mint(Duration.ofHours(1))).isInstanceOf(PkiException.class);
    assertThatThrownBy(down::caCertificate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CFSSL cannot be reached");
  }

  @Test
  void joinTokenFile_holdsACurrentToken_ownerOnly() throws Exception {
    TokenEnrollment tokens = open(() -> CA);
    Path file = dir.resolve("join-token");

    try (JoinTokenFile writer = JoinTokenFile.start(tokens, file, Duration.ofHours(12))) {
      String token = Files.readString(file).strip();

      assertThat(Files.getPosixFilePermissions(file))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(tokens.verifyJoinToken(token.substring(token.indexOf('.') + 1)))
          .isInstanceOf(JoinTokenClaims.Shared.class);
    }
  }
}
