package dev.edgetrust.pki.vault;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.PkiProviderConformance;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.VaultClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared provider scenarios ({@link PkiProviderConformance}) against a Vault set up as {@code
 * edgetrust vault setup} does: the CloudHub's provider signs with the cloudhub role and blocks
 * through an operator credential; each node signs with its own role and token, as an EdgeHub on
 * Vault does. The Vault-specific scenarios stay in {@link VaultConformanceScenarios}.
 */
abstract class VaultProviderConformance extends PkiProviderConformance {
  private VaultTarget target;
  private VaultClient client;
  private String mount;
  private String appRoleMount;
  private VaultEnrollment enrollment;
  private VaultPkiProvider cloudhub;
  private Path dir;
  private final Map<NodeName, PkiProvider> nodeSigners = new HashMap<>();
  private final List<String> policies = new ArrayList<>();

  abstract VaultTarget openTarget();

  @BeforeAll
  void setUpVault() throws Exception {
    target = openTarget();
    client =
        VaultClient.connect(
            target.connection().retryPolicy(VaultScenarioFixture.FAST_RETRIES).build());
    String id =
        HexFormat.of()
            .formatHex(
                new byte[] {
                  (byte) ThreadLocalRandom.current().nextInt(),
                  (byte) ThreadLocalRandom.current().nextInt()
                });
    mount = "edgetrust-shared-" + id;
    appRoleMount = "edgetrust-shared-approle-" + id;
    policies.add(VaultSetup.cloudhubPolicyName(mount));
    VaultSetup.builder(client, target.operator())
        .mount(mount)
        .stateMount(VaultScenarioFixture.stateMount(mount))
        .cloudhubNames("cloudhub", List.of("cloudhub.example.test"), List.of("127.0.0.1"))
        .enableAppRole(appRoleMount)
        .build()
        .run();
    enrollment =
        VaultEnrollment.builder(client, target.operator())
            .mount(mount)
            .appRoleMount(appRoleMount)
            .stateMount(VaultScenarioFixture.stateMount(mount))
            .certificateTtl(Duration.ofHours(24), Duration.ofHours(72))
            .tokenTtl(Duration.ofHours(1))
            .build();
    cloudhub =
        VaultPkiProvider.create(client, target.operator(), mount, VaultSetup.CLOUDHUB_ROLE)
            .withNodeControl(enrollment);
    dir = Files.createTempDirectory("vault-shared-conformance");
  }

  @AfterAll
  void tearDownVault() {
    if (client == null) {
      return;
    }
    quietly(() -> client.delete("sys/mounts/" + mount, target.operator()));
    quietly(
        () ->
            client.delete(
                "sys/mounts/" + VaultScenarioFixture.stateMount(mount), target.operator()));
    quietly(() -> client.delete("sys/auth/" + appRoleMount, target.operator()));
    for (String p : policies) {
      quietly(() -> client.delete("sys/policies/acl/" + p, target.operator()));
    }
    target.close();
  }

  private interface VaultCall {
    Object run() throws PkiException;
  }

  private static void quietly(VaultCall call) {
    try {
      call.run();
    } catch (PkiException | RuntimeException e) {
      // Best effort: the names are unique per run anyway.
    }
  }

  @Override
  protected PkiProvider provider() {
    return cloudhub;
  }

  /**
   * A node role as setup writes it, but with server_flag=true: what Vault then signs is refused.
   */
  @Override
  protected Optional<PkiProvider> providerWhosePolicyGrantsNodesServerAuth() throws Exception {
    NodeName node = newNode("lax");
    client.write(
        mount + "/roles/lax",
        enrollment.nodeRole(node).set("server_flag", true).request(),
        target.operator());
    return Optional.of(VaultPkiProvider.create(client, target.operator(), mount, "lax"));
  }

  /** A block revoked the node's token: the operator enrolls it anew, as unblock's answer says. */
  @Override
  protected PkiProvider nodeSignerAfterUnblock(NodeName node) throws Exception {
    nodeSigners.remove(node);
    return nodeSigner(node);
  }

  /** The node's own credential and role, enrolled once per node as the operator would. */
  @Override
  protected PkiProvider nodeSigner(NodeName node) throws Exception {
    PkiProvider signer = nodeSigners.get(node);
    if (signer == null) {
      policies.add(VaultEnrollment.policyName(node));
      Path file = dir.resolve(node.value() + ".token");
      AtomicFile.writeSecret(
          file,
          enrollment
              .enrollWithToken(node)
              .token()
              .orElseThrow()
              .getBytes(StandardCharsets.US_ASCII));
      signer =
          VaultPkiProvider.create(
              client, VaultCredentials.tokenFile(file), mount, VaultEnrollment.roleName(node));
      nodeSigners.put(node, signer);
    }
    return signer;
  }
}
