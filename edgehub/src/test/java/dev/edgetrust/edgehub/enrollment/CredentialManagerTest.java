package dev.edgetrust.edgehub.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.testing.TestCa;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions made before any network: these never reach the (unreachable) bootstrap URL. */
class CredentialManagerTest {
  private static final NodeName NODE = NodeName.of("node-a");

  @TempDir Path dir;
  private final TestCa ca = new TestCa("test-ca");

  private KeyCertificateFiles files() {
    return new KeyCertificateFiles(
        dir.resolve("certs/server.key"), dir.resolve("certs/server.crt"));
  }

  private CredentialManager manager(TokenSource tokens) {
    Enrollment unreachable =
        new Enrollment(
            URI.create("https://127.0.0.1:9"),
            NODE,
            dir.resolve("ca/rootCA.crt"),
            files(),
            Duration.ofSeconds(1));
    return new CredentialManager(
        NODE,
        dir.resolve("ca/rootCA.crt"),
        files(),
        tokens,
        unreachable,
        "edgecore.yaml",
        Clock.systemUTC());
  }

  private HeldCertificate store(X500Principal subject) throws Exception {
    KeyPair key = Keys.newP256();
    HeldCertificate held =
        new HeldCertificate(
            key.getPrivate(),
            List.of(ca.issueClient(subject, key.getPublic(), Duration.ofHours(1))));
    files().write(held);
    KeyCertificateFiles.writeCertificates(dir.resolve("ca/rootCA.crt"), List.of(ca.certificate()));
    return held;
  }

  @Test
  void usableCertificateOnDisk_isUsedWithoutEnrolling() throws Exception {
    HeldCertificate held = store(NODE.subject());

    NodeCredentials credentials =
        manager(new TokenSource(Optional.empty(), Optional.empty())).obtain();

    assertThat(credentials.held().certificate()).isEqualTo(held.certificate());
    assertThat(credentials.ca()).isEqualTo(ca.certificate());
  }

  @Test
  void certificateForAnotherNode_isAnErrorNotSilentlyReplaced() throws Exception {
    store(NodeName.of("node-b").subject());
    JoinToken token = JoinToken.parse(ca.hash() + ".a.b.c");

    assertThatThrownBy(
            () -> manager(new TokenSource(Optional.of(token), Optional.empty())).obtain())
        .isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("is for node 'node-b', but this node is 'node-a'");
    assertThat(NodeName.fromCertificate(files().read().orElseThrow().certificate()))
        .isEqualTo(NodeName.of("node-b"));
  }

  @Test
  void kubeEdgeIssuedCertificate_withoutAToken_saysWhatToSet() throws Exception {
    store(new X500Principal("CN=kubeedge.io, O=kubeEdge"));

    assertThatThrownBy(() -> manager(new TokenSource(Optional.empty(), Optional.empty())).obtain())
        .hasMessageContaining("not an edgetrust node certificate")
        .hasMessageContaining("'token'")
        .hasMessageContaining("'tokenFile'");
  }

  @Test
  void tokenFileWithoutAToken_isRefusedNamingTheFileButNotItsContent() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "not-a-token-secret\n");
    Files.setPosixFilePermissions(
        tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(
            () -> manager(new TokenSource(Optional.empty(), Optional.of(tokenFile))).obtain())
        .hasMessageContaining(tokenFile.toString())
        .hasMessageContaining("not a KubeEdge join token")
        .hasMessageNotContaining("not-a-token-secret");
  }
}
