package dev.edgetrust.pki.vault.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.vault.StandInTarget;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewer keeps a renewable token alive, reports a dead one once, and recovers from a new token
 * file.
 */
class TokenRenewerTest {
  private static final RetryPolicy QUICK =
      new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(100));
  private static StandInTarget target;
  private static VaultClient client;
  private static VaultTokens tokens;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    target = new StandInTarget();
    client = VaultClient.connect(target.connection().retryPolicy(RetryPolicy.NONE).build());
    tokens = new VaultTokens(client, target.vault.clock());
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  private String newToken(String ttl) throws Exception {
    ObjectNode body = VaultClient.object();
    body.putArray("policies").add("default");
    body.put("ttl", ttl);
    return client
        .write("auth/token/create", body, target.operator())
        .auth()
        .orElseThrow()
        .path("client_token")
        .asText();
  }

  private Path tokenFile(String token) throws Exception {
    Path file = dir.resolve("vault-token");
    AtomicFile.writeSecret(file, token.getBytes(StandardCharsets.US_ASCII));
    return file;
  }

  @Test
  void renewableToken_isRenewedBeforeItExpires_andOutlivesItsFirstTtl() throws Exception {
    VaultCredential credential = VaultCredentials.tokenFile(tokenFile(newToken("2s")));

    try (TokenRenewer renewer =
        new TokenRenewer(tokens, credential, Optional.empty(), QUICK, Duration.ofMillis(200), null)
            .start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> renewer.renewals() >= 2);
      // Two renewals at two thirds of a 2 s lease: more than the first 2 s have passed, and it
      // lives.
      assertThat(tokens.lookupSelf(credential).ttl()).isPositive();
      assertThat(renewer.problem()).isEmpty();
    }
  }

  @Test
  void revokedToken_isReportedOnce_andANewTokenFileIsPickedUp() throws Exception {
    String first = newToken("1h");
    Path file = tokenFile(first);
    VaultCredential credential = VaultCredentials.tokenFile(file);

    try (TokenRenewer renewer =
        new TokenRenewer(tokens, credential, Optional.empty(), QUICK, Duration.ofMillis(100), null)
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> renewer.current().isPresent());
      tokens.revokeSelf(VaultCredentials.token(first, "test"));

      await().atMost(Duration.ofSeconds(10)).until(() -> renewer.problem().isPresent());
      assertThat(renewer.problem())
          .contains(
              "Vault token in "
                  + file
                  + " is expired or revoked (403 on auth/token/lookup-self): write a new token to "
                  + file);

      String second = newToken("1h");
      AtomicFile.writeSecret(file, second.getBytes(StandardCharsets.US_ASCII));
      String secondAccessor = tokens.lookupSelf(VaultCredentials.token(second, "test")).accessor();

      await().atMost(Duration.ofSeconds(10)).until(() -> renewer.problem().isEmpty());
      assertThat(renewer.current().orElseThrow().accessor()).isEqualTo(secondAccessor);
    }
  }

  @Test
  void renewDelay_isTwoThirdsOfTheLease() {
    assertThat(TokenRenewer.renewDelay(Duration.ofHours(24))).isEqualTo(Duration.ofHours(16));
    assertThat(TokenRenewer.renewDelay(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(2));
  }
}
