package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every Vault scenario class starts from: a Vault (the stand-in, or a real one when VAULT_ADDR
 * and VAULT_TOKEN are set) set up as {@code edgetrust vault setup} does on its own uniquely named
 * PKI, state and AppRole mounts, removed after, and the helpers the scenarios share.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VaultScenarioFixture {
  static final RetryPolicy FAST_RETRIES =
      new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100));
  static final Set<CertificateUsage> CLIENT = EnumSet.of(CertificateUsage.CLIENT_AUTH);

  VaultTarget target;
  VaultClient client;
  String id;
  String mount;
  String appRoleMount;
  List<SetupStep> firstSetup;
  VaultEnrollment enrollment;
  Path dir;
  final List<String> cleanupMounts = new ArrayList<>();
  final List<String> cleanupAuth = new ArrayList<>();
  final List<String> cleanupPolicies = new ArrayList<>();

  abstract VaultTarget openTarget();

  @BeforeAll
  void setUpVault() throws Exception {
    target = openTarget();
    client = VaultClient.connect(target.connection().retryPolicy(FAST_RETRIES).build());
    id =
        HexFormat.of()
            .formatHex(
                new byte[] {
                  (byte) ThreadLocalRandom.current().nextInt(),
                  (byte) ThreadLocalRandom.current().nextInt(),
                  (byte) ThreadLocalRandom.current().nextInt()
                });
    mount = "edgetrust-" + id;
    appRoleMount = "edgetrust-approle-" + id;
    cleanupMounts.add(mount);
    cleanupMounts.add(stateMount(mount));
    cleanupAuth.add(appRoleMount);
    cleanupPolicies.add(VaultSetup.cloudhubPolicyName(mount));
    firstSetup = setup(mount).enableAppRole(appRoleMount).build().run();
    enrollment =
        VaultEnrollment.builder(client, target.operator())
            .mount(mount)
            .appRoleMount(appRoleMount)
            .stateMount(stateMount(mount))
            .certificateTtl(Duration.ofHours(24), Duration.ofHours(72))
            .tokenTtl(Duration.ofHours(1))
            .build();
    dir = Files.createTempDirectory("vault-conformance");
  }

  @AfterAll
  void tearDownVault() {
    if (client == null) {
      return;
    }
    for (String m : cleanupMounts) {
      quietly(() -> client.delete("sys/mounts/" + m, target.operator()));
    }
    for (String a : cleanupAuth) {
      quietly(() -> client.delete("sys/auth/" + a, target.operator()));
    }
    for (String p : cleanupPolicies) {
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
      // Best effort: a real Vault keeps its state, and the names are unique anyway.
    }
  }

  /** Each PKI mount of a run has its own state mount, so that every setup starts from nothing. */
  static String stateMount(String pkiMount) {
    return pkiMount + "-state";
  }

  VaultSetup.Builder setup(String pkiMount) {
    return VaultSetup.builder(client, target.operator())
        .mount(pkiMount)
        .stateMount(stateMount(pkiMount))
        .cloudhubNames("cloudhub", List.of("cloudhub.example.test"), List.of("127.0.0.1"));
  }

  NodeName node(String suffix) {
    NodeName node = NodeName.of("n" + id + "-" + suffix);
    cleanupPolicies.add(VaultEnrollment.policyName(node));
    return node;
  }

  /** A CSR as KubeEdge's edgecore makes it: its own subject, which the role must override. */
  static Csr kubeEdgeCsr(KeyPair key) {
    return Csr.create(key, new X500Principal("CN=kubeedge.io, O=kubeEdge"));
  }

  static SigningRequest nodeRequest(NodeName node, Duration ttl) {
    return SigningRequest.forNode(node, kubeEdgeCsr(Keys.newP256()), CLIENT, ttl);
  }

  VaultPkiProvider provider(VaultCredential credential, String role) {
    return VaultPkiProvider.create(client, credential, mount, role);
  }

  VaultCredential tokenFile(String name, String token) throws Exception {
    Path file = dir.resolve(name + ".token");
    AtomicFile.writeSecret(file, token.getBytes(StandardCharsets.US_ASCII));
    return VaultCredentials.tokenFile(file);
  }

  VaultCredential enrolledTokenFile(NodeName node) throws Exception {
    return tokenFile(node.value(), enrollment.enrollWithToken(node).token().orElseThrow());
  }

  /**
   * A token carrying only the CloudHub's policy, as an operator would give the certificate agent.
   */
  VaultCredential cloudhubToken() throws Exception {
    ObjectNode body = VaultClient.object();
    body.putArray("policies").add(VaultSetup.cloudhubPolicyName(mount));
    body.put("ttl", "1h");
    String token =
        client
            .write("auth/token/create-orphan", body, target.operator())
            .auth()
            .orElseThrow()
            .path("client_token")
            .asText();
    return VaultCredentials.token(token, "test cloudhub token");
  }
}
