package dev.edgetrust.pki.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node-bound, single-use join tokens on the built-in CA: their claims and their one use. */
class NodeBoundJoinTokenTest {
  @TempDir Path dir;

  private BuiltinCa newCa() throws Exception {
    return BuiltinCa.loadOrCreate(
        BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key")),
        Clock.systemUTC());
  }

  private static String jwtOf(MintedJoinToken token) {
    return token.value().substring(token.value().indexOf('.') + 1);
  }

  @Test
  void nodeBoundToken_keepsKubeEdgeFormatAndVerifiesAsBoundToItsNode() throws Exception {
    BuiltinCa ca = newCa();
    MintedJoinToken token = ca.mintJoinToken(NodeName.of("edge-1"), Duration.ofHours(1));

    JoinTokenClaims claims = ca.verifyJoinToken(jwtOf(token));

    assertThat(token.value().split("\\.")).hasSize(4);
    assertThat(token.value())
        .startsWith(dev.edgetrust.x509.Certificates.sha256Hex(ca.caCertificate()) + ".");
    assertThat(claims).isInstanceOf(JoinTokenClaims.NodeBound.class);
    JoinTokenClaims.NodeBound bound = (JoinTokenClaims.NodeBound) claims;
    assertThat(bound.node()).isEqualTo(NodeName.of("edge-1"));
    assertThat(bound.id()).hasSize(32).isEqualTo(((JoinTokenClaims.NodeBound) token.claims()).id());
    assertThat(token.toString()).doesNotContain(token.value());
  }

  @Test
  void sharedToken_verifiesAsShared() throws Exception {
    BuiltinCa ca = newCa();

    assertThat(ca.verifyJoinToken(jwtOf(ca.mintJoinToken(Duration.ofHours(1)))))
        .isInstanceOf(JoinTokenClaims.Shared.class);
  }

  @Test
  void twoTokensForOneNode_haveDifferentIds() throws Exception {
    BuiltinCa ca = newCa();
    NodeName node = NodeName.of("edge-1");

    JoinTokenClaims a = ca.mintJoinToken(node, Duration.ofHours(1)).claims();
    JoinTokenClaims b = ca.mintJoinToken(node, Duration.ofHours(1)).claims();

    assertThat(((JoinTokenClaims.NodeBound) a).id())
        .isNotEqualTo(((JoinTokenClaims.NodeBound) b).id());
  }

  @Test
  void consumedToken_isRefusedTheSecondTime_namingNodeAndTime() throws Exception {
    BuiltinCa ca = newCa();
    JoinTokenClaims.NodeBound token =
        (JoinTokenClaims.NodeBound)
            ca.mintJoinToken(NodeName.of("edge-1"), Duration.ofHours(1)).claims();
    ca.consumeJoinToken(token);

    assertThatThrownBy(() -> ca.consumeJoinToken(token))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("join token already used for node edge-1 at ")
        .satisfies(e -> assertThat(((PkiException) e).isRetryable()).isFalse());
  }

  @Test
  void consumedId_survivesARestart_andIsKeptPrivate() throws Exception {
    JoinTokenClaims.NodeBound token =
        (JoinTokenClaims.NodeBound)
            newCa().mintJoinToken(NodeName.of("edge-1"), Duration.ofHours(1)).claims();
    newCa().consumeJoinToken(token);

    BuiltinCa restarted = newCa();

    assertThatThrownBy(() -> restarted.consumeJoinToken(token))
        .hasMessageContaining("already used");
    Path file = dir.resolve("ca/used-join-tokens.json");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(file)).contains(token.id()).contains("edge-1");
  }

  @Test
  void useThatCannotBeWritten_failsRetryably_andLeavesTheTokenUnused() throws Exception {
    BuiltinCa ca = newCa();
    JoinTokenClaims.NodeBound token =
        (JoinTokenClaims.NodeBound)
            ca.mintJoinToken(NodeName.of("edge-1"), Duration.ofHours(1)).claims();
    // A directory where the file goes: the atomic rename over it fails, as a failing disk would.
    Path file = dir.resolve("ca/used-join-tokens.json");
    Files.createDirectories(file.resolve("blocker"));

    assertThatThrownBy(() -> ca.consumeJoinToken(token))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("cannot record the use of join token " + token.id())
        .satisfies(e -> assertThat(((PkiException) e).isRetryable()).isTrue());

    Files.delete(file.resolve("blocker"));
    Files.delete(file);
    ca.consumeJoinToken(token);
    assertThat(
            BuiltinCa.loadOrCreate(
                BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key")),
                Clock.systemUTC()))
        .isNotNull();
  }

  @Test
  void unreadableUsedTokenFile_isRefusedAtStartNamingIt() throws Exception {
    newCa();
    Files.writeString(dir.resolve("ca/used-join-tokens.json"), "{\"used\": 3}");

    assertThatThrownBy(this::newCa)
        .hasMessageContaining("used-join-tokens.json")
        .hasMessageContaining("'used'");
  }
}
