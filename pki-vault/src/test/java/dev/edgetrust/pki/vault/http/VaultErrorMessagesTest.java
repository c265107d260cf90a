package dev.edgetrust.pki.vault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.StandInTarget;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault's error answers become one line a person can act on, and no message carries a token. */
class VaultErrorMessagesTest {
  private static StandInTarget target;
  private static VaultClient client;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    target = new StandInTarget();
    client = VaultClient.connect(target.connection().retryPolicy(RetryPolicy.NONE).build());
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  private String token(String policyBody) throws Exception {
    ObjectNode policy = VaultClient.object();
    policy.put("policy", policyBody);
    client.write("sys/policies/acl/limited", policy, target.operator());
    ObjectNode body = VaultClient.object();
    body.putArray("policies").add("limited");
    body.put("ttl", "1h");
    return client
        .write("auth/token/create", body, target.operator())
        .auth()
        .orElseThrow()
        .path("client_token")
        .asText();
  }

  @Test
  void policyDenial_namesThePath_theTokensAccessorAndPolicies_neverTheToken() throws Exception {
    String token = token("path \"sys/mounts\" { capabilities = [\"read\"] }");
    Path file = dir.resolve("token");
    AtomicFile.writeSecret(file, token.getBytes(StandardCharsets.US_ASCII));
    VaultCredential credential = VaultCredentials.tokenFile(file);
    String accessor =
        new VaultTokens(client, target.vault.clock()).lookupSelf(credential).accessor();

    assertThatThrownBy(() -> client.write("pki/sign/edge-node-x", VaultClient.object(), credential))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "permission denied on pki/sign/edge-node-x: the token's policy does not allow this path (Vault token in "
                + file
                + ", accessor "
                + accessor
                + ", policies [\"default\",\"limited\"])")
        .message()
        .doesNotContain(token);
  }

  @Test
  void revokedToken_isReportedAsExpiredOrRevoked_withTheRemedy() throws Exception {
    String token = token("path \"sys/mounts\" { capabilities = [\"read\"] }");
    VaultCredential credential = VaultCredentials.token(token, "VAULT_TOKEN");
    new VaultTokens(client, target.vault.clock()).revokeSelf(credential);

    assertThatThrownBy(() -> client.read("sys/mounts", credential))
        .hasMessage(
            "the Vault token in VAULT_TOKEN is expired or revoked (403 on auth/token/lookup-self): set VAULT_TOKEN to a valid token");
  }

  @Test
  void badRequest_carriesVaultsOwnTextAndThePath() {
    assertThatThrownBy(
            () ->
                client.write(
                    "sys/policies/acl/broken",
                    VaultClient.object().put("policy", "path {"),
                    target.operator()))
        .hasMessageStartingWith("Vault refused sys/policies/acl/broken: failed to parse policy");
  }

  @Test
  void unknownPath_saysNothingIsThere() {
    assertThatThrownBy(() -> client.read("nothing-mounted/here", target.operator()))
        .hasMessage(
            "Vault has nothing at nothing-mounted/here (404: no handler for route \"nothing-mounted/here\". route entry not found.): check the mount and role names");
  }

  @Test
  void missingTokenFile_saysWhereToWriteIt() {
    Path missing = dir.resolve("absent.token");

    assertThatThrownBy(() -> client.read("sys/mounts", VaultCredentials.tokenFile(missing)))
        .hasMessage("Vault token file " + missing + " does not exist: write a token to it")
        .matches(e -> !((PkiException) e).isRetryable());
  }

  @Test
  void tokenFileWithJunk_isRefusedWithoutEchoingIt() throws Exception {
    Path file = dir.resolve("junk.token");
    Files.writeString(file, "s.abc def\n");
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> client.read("sys/mounts", VaultCredentials.tokenFile(file)))
        .hasMessage(
            "Vault token file "
                + file
                + " does not hold one token (character 6 is whitespace or not printable ASCII)");
  }

  @Test
  void multierrorFraming_isRemovedFromVaultsErrors() {
    byte[] body =
        "{\"errors\":[\"2 errors occurred:\\n\\t* first\\n\\t* second\\n\\n\"]}"
            .getBytes(StandardCharsets.UTF_8);

    assertThat(VaultErrors.text(body)).isEqualTo("first; second");
  }

  @Test
  void nonJsonErrorBody_isShownClippedAndPrintable() {
    byte[] body = ("<html>\n" + "x".repeat(500)).getBytes(StandardCharsets.UTF_8);

    assertThat(VaultErrors.text(body)).startsWith("<html> x").endsWith("…").hasSizeLessThan(310);
  }

  @Test
  void durationsInAnswers_areSecondsOrGoDurations() {
    assertThat(VaultDurations.parse("72h", "ttl")).isEqualTo(Duration.ofHours(72));
    assertThat(VaultDurations.parse("1h30m", "ttl")).isEqualTo(Duration.ofMinutes(90));
    assertThat(VaultDurations.parse("86400", "ttl")).isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> VaultDurations.parse("soon", "ttl"))
        .hasMessage("ttl 'soon' is not a duration (e.g. 72h, 30m, 86400)");
  }
}
