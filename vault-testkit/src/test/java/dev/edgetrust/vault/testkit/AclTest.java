package dev.edgetrust.vault.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ACL evaluation as Vault documents it: exact beats glob, priority among globs, merging and deny.
 */
class AclTest {
  private static Acl acl(String... policies) {
    return Acl.of(java.util.Arrays.stream(policies).map(PolicyText::parse).toList(), false);
  }

  @Test
  void exactPath_grantsOnlyThatPath() {
    Acl acl = acl("path \"pki/sign/edge-node-a\" { capabilities = [\"update\"] }");

    assertThat(acl.allows("pki/sign/edge-node-a", "update")).isTrue();
    assertThat(acl.allows("pki/sign/edge-node-b", "update")).isFalse();
    assertThat(acl.allows("pki/sign/edge-node-a", "read")).isFalse();
    assertThat(acl.allows("pki/sign/edge-node-a/x", "update")).isFalse();
  }

  @Test
  void starSuffix_isAPrefixMatch_includingPartialSegments() {
    Acl acl = acl("path \"pki/sign/edge-*\" { capabilities = [\"update\"] }");

    assertThat(acl.allows("pki/sign/edge-node-a", "update")).isTrue();
    assertThat(acl.allows("pki/sign/edge-", "update")).isTrue();
    assertThat(acl.allows("pki/sign/cloudhub", "update")).isFalse();
  }

  @Test
  void plus_matchesExactlyOneSegment() {
    Acl acl = acl("path \"secret/+/config\" { capabilities = [\"read\"] }");

    assertThat(acl.allows("secret/app/config", "read")).isTrue();
    assertThat(acl.allows("secret/a/b/config", "read")).isFalse();
    assertThat(acl.allows("secret//config", "read")).isFalse();
  }

  @Test
  void moreSpecificPattern_winsOverAGeneralOne() {
    Acl acl =
        acl(
            "path \"pki/*\" { capabilities = [\"read\", \"update\"] }",
            "path \"pki/sign/*\" { capabilities = [\"deny\"] }");

    assertThat(acl.allows("pki/ca_chain", "read")).isTrue();
    assertThat(acl.allows("pki/sign/edge-node-a", "update")).isFalse();
  }

  @Test
  void laterFirstWildcard_isHigherPriority() {
    Acl acl =
        acl(
            "path \"pki/+/edge-node-a\" { capabilities = [\"read\"] }",
            "path \"pki/sign/+\" { capabilities = [\"update\"] }");

    assertThat(acl.capabilities("pki/sign/edge-node-a")).containsExactly("update");
  }

  @Test
  void samePathInTwoPolicies_isMerged_andDenyWins() {
    assertThat(
            acl(
                    "path \"a/b\" { capabilities = [\"read\"] }",
                    "path \"a/b\" { capabilities = [\"update\"] }")
                .capabilities("a/b"))
        .containsExactlyInAnyOrder("read", "update");
    assertThat(
            acl(
                    "path \"a/b\" { capabilities = [\"read\"] }",
                    "path \"a/b\" { capabilities = [\"deny\"] }")
                .allows("a/b", "read"))
        .isFalse();
  }

  @Test
  void root_mayDoAnything_butNoPolicyMeansNothing() {
    assertThat(Acl.of(List.of(), true).allows("sys/auth/approle", "sudo")).isTrue();
    assertThat(Acl.of(List.of(), false).allows("sys/mounts", "read")).isFalse();
  }
}
