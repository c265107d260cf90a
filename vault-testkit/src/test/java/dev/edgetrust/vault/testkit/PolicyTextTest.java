package dev.edgetrust.vault.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTextTest {
  @Test
  void hclWithCommentsAndSeveralPaths_isParsed() {
    Map<String, Set<String>> rules =
        PolicyText.parse(
            """
            # edgetrust node a
            path "pki/sign/edge-node-a" {
              capabilities = ["update"] // signs
            }
            /* and issues */
            path "pki/issue/edge-node-a" { capabilities = ["update", "read"] }
            path "secret/*" { policy = "read" }
            """);

    assertThat(rules).containsOnlyKeys("pki/sign/edge-node-a", "pki/issue/edge-node-a", "secret/*");
    assertThat(rules.get("pki/issue/edge-node-a")).containsExactly("update", "read");
    assertThat(rules.get("secret/*")).containsExactly("read", "list");
  }

  @Test
  void jsonPolicy_isParsedToo() {
    assertThat(PolicyText.parse("{\"path\":{\"pki/crl\":{\"capabilities\":[\"read\"]}}}"))
        .containsEntry("pki/crl", Set.of("read"));
  }

  @Test
  void unknownCapability_isRefused() {
    assertThatThrownBy(() -> PolicyText.parse("path \"a\" { capabilities = [\"write\"] }"))
        .isInstanceOf(VaultError.class)
        .hasMessageContaining("invalid capability \\\"write\\\"".replace("\\", ""));
  }

  @Test
  void parameterConstraints_areRefusedRatherThanIgnored() {
    assertThatThrownBy(
            () ->
                PolicyText.parse(
                    "path \"a\" { capabilities = [\"update\"]\n allowed_parameters = {} }"))
        .isInstanceOf(VaultError.class)
        .hasMessageContaining("does not support 'allowed_parameters'");
  }
}
