package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.JoinTokens;
import dev.edgetrust.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modules.cloudHub.joinTokens} of cloudcore.yaml: shared by default, nodeBound on request,
 * checked.
 */
class JoinTokensConfigTest {
  @TempDir Path dir;

  private CloudHubSettings load(String cloudHub) throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(file, "modules:\n  cloudHub:\n" + cloudHub.indent(4));
    return CloudHubConfig.load(file);
  }

  @Test
  void existingFileWithoutTheKey_keepsSharedTokens() throws Exception {
    assertThat(load("nodeLimit: 5\n").joinTokens()).isEqualTo(JoinTokens.SHARED);
  }

  @Test
  void nodeBound_isRead_inAnyCase() throws Exception {
    assertThat(load("joinTokens: nodeBound\n").joinTokens()).isEqualTo(JoinTokens.NODE_BOUND);
    assertThat(load("joinTokens: NodeBound\n").joinTokens()).isEqualTo(JoinTokens.NODE_BOUND);
    assertThat(load("joinTokens: shared\n").joinTokens()).isEqualTo(JoinTokens.SHARED);
  }

  @Test
  void unknownValue_isRefusedInOneLineNamingFileAndKey() {
    assertThatThrownBy(() -> load("joinTokens: perNode\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cloudcore.yaml")
        .hasMessageContaining(
            "'modules.cloudHub.joinTokens' must be shared or nodeBound, was 'perNode'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
