package dev.edgetrust.pki.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.auth.TokenInfo;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scenarios that define "works with Vault" for edgetrust, run against the in-process stand-in
 * always ({@link StandInConformanceTest}) and against a real Vault when VAULT_ADDR and VAULT_TOKEN
 * are set ({@link RealVaultConformanceTest}), so the stand-in is checked against the real thing.
 *
 * <p>Each run works on its own uniquely named PKI mount and AppRole mount and removes them after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VaultConformanceScenarios {
  static final RetryPolicy FAST_RETRIES =
      new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(100));
  private static final Set<CertificateUsage> CLIENT = EnumSet.of(CertificateUsage.CLIENT_AUTH);

  VaultTarget target;
  VaultClient client;
  String id;
  String mount;
  String appRoleMount;
  List<SetupStep> firstSetup;
  VaultEnrollment enrollment;
  Path dir;
  private final List<String> cleanupMounts = new ArrayList<>();
  private final List<String> cleanupAuth = new ArrayList<>();
  private final List<String> cleanupPolicies = new ArrayList<>();

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
    cleanupAuth.add(appRoleMount);
    cleanupPolicies.add(VaultSetup.cloudhubPolicyName(mount));
    firstSetup = setup(mount).enableAppRole(appRoleMount).build().run();
    enrollment =
        VaultEnrollment.builder(client, target.operator())
            .mount(mount)
            .appRoleMount(appRoleMount)
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

  VaultSetup.Builder setup(String pkiMount) {
    return VaultSetup.builder(client, target.operator())
        .mount(pkiMount)
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

  // ---- scenarios -------------------------------------------------------------------------

  @Test
  void signForOwnName_succeedsWithTheNodesSubjectAndClientUsageOnly() throws Exception {
    NodeName a = node("own");
    KeyPair key = Keys.newP256();
    SigningRequest request =
        SigningRequest.forNode(a, kubeEdgeCsr(key), CLIENT, Duration.ofHours(1));

    IssuedCertificate issued =
        provider(enrolledTokenFile(a), VaultEnrollment.roleName(a)).sign(request);

    X509Certificate cert = issued.certificate();
    assertThat(NodeName.fromCertificate(cert)).isEqualTo(a);
    assertThat(cert.getSubjectX500Principal().getName()).contains("O=system:nodes");
    assertThat(cert.getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertThat(cert.getExtendedKeyUsage())
        .contains(CertificateUsage.CLIENT_AUTH.oid())
        .doesNotContain(CertificateUsage.SERVER_AUTH.oid());
    assertThat(cert.getSubjectAlternativeNames()).isNull();
    cert.verify(issued.caChain().get(0).getPublicKey());
  }

  @Test
  void signForAnotherNode_isRefusedByPolicy() throws Exception {
    NodeName a = node("pa");
    NodeName b = node("pb");
    enrollment.prepare(b);
    VaultPkiProvider aAsB = provider(enrolledTokenFile(a), VaultEnrollment.roleName(b));

    assertThatThrownBy(() -> aAsB.sign(nodeRequest(b, Duration.ofHours(1))))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith(
            "permission denied on " + mount + "/sign/" + VaultEnrollment.roleName(b))
        .hasMessageContaining("the token's policy does not allow this path")
        .matches(e -> !((PkiException) e).isRetryable());
  }

  @Test
  void roleRefusesForeignCommonName_evenWithAPrivilegedToken() throws Exception {
    NodeName a = node("ra");
    NodeName b = node("rb");
    enrollment.prepare(a);
    VaultPkiProvider rootOnA = provider(target.operator(), VaultEnrollment.roleName(a));

    assertThatThrownBy(() -> rootOnA.sign(nodeRequest(b, Duration.ofHours(1))))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "Vault refused "
                + mount
                + "/sign/"
                + VaultEnrollment.roleName(a)
                + ": common name "
                + b.commonName()
                + " not allowed by this role");
  }

  @Test
  void ttlAboveTheRolesMax_isCappedToTheMax() throws Exception {
    NodeName a = node("ttl");
    Instant before = target.now();

    IssuedCertificate issued =
        provider(enrolledTokenFile(a), VaultEnrollment.roleName(a))
            .sign(nodeRequest(a, Duration.ofHours(1000)));

    Instant notAfter = issued.notAfter();
    assertThat(notAfter)
        .isBetween(
            before.plus(Duration.ofHours(72)).minusSeconds(120),
            target.now().plus(Duration.ofHours(72)).plusSeconds(120));
  }

  @Test
  void revokedSerial_appearsInTheCrl_andOthersDoNot() throws Exception {
    NodeName a = node("crl");
    VaultPkiProvider nodeProvider = provider(enrolledTokenFile(a), VaultEnrollment.roleName(a));
    IssuedCertificate revokedOne = nodeProvider.sign(nodeRequest(a, Duration.ofHours(1)));
    IssuedCertificate keptOne = nodeProvider.sign(nodeRequest(a, Duration.ofHours(1)));
    VaultPkiProvider agent = provider(cloudhubToken(), VaultSetup.CLOUDHUB_ROLE);

    agent.revoke(revokedOne.serial());
    X509CRL crl = agent.crl();

    assertThat(crl.getRevokedCertificate(revokedOne.serial())).isNotNull();
    assertThat(crl.getRevokedCertificate(keptOne.serial())).isNull();
    assertThat(crl.isRevoked(revokedOne.certificate())).isTrue();
  }

  @Test
  void renewSelf_extendsTheToken() throws Exception {
    NodeName a = node("renew");
    VaultCredential token = enrolledTokenFile(a);
    VaultTokens tokens = new VaultTokens(client, Clock.systemUTC());
    target.passTime(Duration.ofMinutes(30));
    Duration before = tokens.lookupSelf(token).ttl();

    VaultTokens.Renewal renewal = tokens.renewSelf(token, Optional.of(Duration.ofHours(2)));

    assertThat(renewal.token().ttl()).isGreaterThan(Duration.ofHours(2).minusMinutes(1));
    TokenInfo after = tokens.lookupSelf(token);
    assertThat(after.ttl()).isGreaterThan(before);
    assertThat(after.policies()).contains(VaultEnrollment.policyName(a), "default");
    assertThat(after.renewable()).isTrue();
  }

  @Test
  void expiredToken_isRefusedWithOneClearError() throws Exception {
    NodeName a = node("exp");
    VaultEnrollment shortLived =
        VaultEnrollment.builder(client, target.operator())
            .mount(mount)
            .tokenTtl(Duration.ofSeconds(2))
            .build();
    Path file = dir.resolve("expiring.token");
    AtomicFile.writeSecret(
        file,
        shortLived.enrollWithToken(a).token().orElseThrow().getBytes(StandardCharsets.US_ASCII));
    VaultCredential credential = VaultCredentials.tokenFile(file);
    VaultPkiProvider provider = provider(credential, VaultEnrollment.roleName(a));
    VaultTokens tokens = new VaultTokens(client, Clock.systemUTC());

    target.passTime(Duration.ofSeconds(5));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> expired(tokens, credential));

    assertThatThrownBy(() -> provider.sign(nodeRequest(a, Duration.ofHours(1))))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "Vault token in "
                + file
                + " is expired or revoked (403 on auth/token/lookup-self): write a new token to "
                + file);
  }

  private static boolean expired(VaultTokens tokens, VaultCredential credential) {
    try {
      tokens.lookupSelf(credential);
      return false;
    } catch (PkiException e) {
      return !e.isRetryable();
    }
  }

  @Test
  void replacedTokenFile_isPickedUpWithoutARestart() throws Exception {
    NodeName a = node("swap");
    NodeCredential first = enrollment.enrollWithToken(a);
    Path file = dir.resolve("swap.token");
    AtomicFile.writeSecret(file, first.token().orElseThrow().getBytes(StandardCharsets.US_ASCII));
    VaultPkiProvider provider =
        provider(VaultCredentials.tokenFile(file), VaultEnrollment.roleName(a));
    enrollment.revokeToken(first.accessor());
    assertThatThrownBy(() -> provider.sign(nodeRequest(a, Duration.ofHours(1))))
        .hasMessageContaining("is expired or revoked");

    NodeCredential second = enrollment.enrollWithToken(a);
    AtomicFile.writeSecret(file, second.token().orElseThrow().getBytes(StandardCharsets.US_ASCII));

    assertThat(
            NodeName.fromCertificate(
                provider.sign(nodeRequest(a, Duration.ofHours(1))).certificate()))
        .isEqualTo(a);
  }

  @Test
  void setup_isIdempotent_secondRunFindsEveryStepDone() throws Exception {
    String fresh = mount + "-s";
    String freshAppRole = appRoleMount + "-s";
    cleanupMounts.add(fresh);
    cleanupAuth.add(freshAppRole);
    cleanupPolicies.add(VaultSetup.cloudhubPolicyName(fresh));

    List<SetupStep> first = setup(fresh).enableAppRole(freshAppRole).build().run();
    List<SetupStep> second = setup(fresh).enableAppRole(freshAppRole).build().run();

    assertThat(first).extracting(SetupStep::outcome).containsOnly(SetupStep.Outcome.DONE);
    assertThat(second).extracting(SetupStep::outcome).containsOnly(SetupStep.Outcome.ALREADY_DONE);
    assertThat(second)
        .extracting(SetupStep::name)
        .isEqualTo(first.stream().map(SetupStep::name).toList());
  }

  @Test
  void enrollmentCredential_obtainsCertificatesOnlyForItsOwnNode() throws Exception {
    NodeName a = node("ea");
    NodeName b = node("eb");
    enrollment.prepare(b);
    NodeCredential credential = enrollment.enrollWithAppRole(a);
    Path secretFile = dir.resolve(a.value() + ".secret-id");
    AtomicFile.writeSecret(
        secretFile, credential.secretId().orElseThrow().getBytes(StandardCharsets.US_ASCII));
    VaultCredential login =
        VaultCredentials.appRole(
            appRoleMount, credential.roleId().orElseThrow(), secretFile, Clock.systemUTC());

    IssuedCertificate own =
        provider(login, VaultEnrollment.roleName(a)).sign(nodeRequest(a, Duration.ofHours(1)));
    assertThat(NodeName.fromCertificate(own.certificate())).isEqualTo(a);

    assertThatThrownBy(
            () ->
                provider(login, VaultEnrollment.roleName(b))
                    .sign(nodeRequest(b, Duration.ofHours(1))))
        .hasMessageStartingWith(
            "permission denied on " + mount + "/sign/" + VaultEnrollment.roleName(b));
    assertThatThrownBy(
            () ->
                provider(login, VaultEnrollment.roleName(a))
                    .sign(nodeRequest(b, Duration.ofHours(1))))
        .hasMessageContaining("common name " + b.commonName() + " not allowed by this role");
  }

  @Test
  void destroyedSecretIds_canNoLongerLogIn() throws Exception {
    NodeName a = node("sid");
    NodeCredential credential = enrollment.enrollWithAppRole(a);
    Path secretFile = dir.resolve(a.value() + ".secret-id");
    AtomicFile.writeSecret(
        secretFile, credential.secretId().orElseThrow().getBytes(StandardCharsets.US_ASCII));

    assertThat(enrollment.destroySecretIds(a)).isEqualTo(1);

    VaultCredential login =
        VaultCredentials.appRole(
            appRoleMount, credential.roleId().orElseThrow(), secretFile, Clock.systemUTC());
    assertThatThrownBy(
            () ->
                provider(login, VaultEnrollment.roleName(a))
                    .sign(nodeRequest(a, Duration.ofHours(1))))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith(
            "AppRole login at auth/"
                + appRoleMount
                + "/login (secret_id in "
                + secretFile
                + ") was refused (")
        .hasMessageEndingWith("): write a new secret_id to " + secretFile)
        .matches(e -> !((PkiException) e).isRetryable());
  }

  @Test
  void disabledNode_cannotObtainCertificates_untilEnabledAgain() throws Exception {
    NodeName a = node("dis");
    VaultPkiProvider provider = provider(enrolledTokenFile(a), VaultEnrollment.roleName(a));

    enrollment.disable(a);
    assertThat(enrollment.isEnabled(a)).isFalse();
    assertThatThrownBy(() -> provider.sign(nodeRequest(a, Duration.ofHours(1))))
        .hasMessage(
            "Vault refused "
                + mount
                + "/sign/"
                + VaultEnrollment.roleName(a)
                + ": unknown role: "
                + VaultEnrollment.roleName(a));

    enrollment.enable(a);
    assertThat(enrollment.isEnabled(a)).isTrue();
    assertThat(
            NodeName.fromCertificate(
                provider.sign(nodeRequest(a, Duration.ofHours(1))).certificate()))
        .isEqualTo(a);
  }

  @Test
  void blockedNode_isRefusedCertificatesAndListed_andUnblockLetsItSignAgain() throws Exception {
    NodeName a = node("blk");
    NodeName other = node("blkother");
    VaultPkiProvider nodeSigner = provider(enrolledTokenFile(a), VaultEnrollment.roleName(a));
    VaultPkiProvider otherSigner =
        provider(enrolledTokenFile(other), VaultEnrollment.roleName(other));
    VaultPkiProvider cloud =
        provider(target.operator(), VaultEnrollment.roleName(a)).withNodeControl(enrollment);
    IssuedCertificate before = nodeSigner.sign(nodeRequest(a, Duration.ofHours(1)));

    cloud.blockNode(a);
    cloud.revoke(before.serial());

    assertThat(cloud.blockedNodes()).contains(a).doesNotContain(other);
    assertThatThrownBy(() -> nodeSigner.sign(nodeRequest(a, Duration.ofHours(1))))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("unknown role");
    assertThat(cloud.revocationList().isRevoked(before.serial())).isTrue();
    assertThat(
            NodeName.fromCertificate(
                otherSigner.sign(nodeRequest(other, Duration.ofHours(1))).certificate()))
        .as("other nodes carry on")
        .isEqualTo(other);

    cloud.unblockNode(a);

    assertThat(cloud.blockedNodes()).doesNotContain(a);
    IssuedCertificate after = nodeSigner.sign(nodeRequest(a, Duration.ofHours(1)));
    assertThat(cloud.revocationList().isRevoked(after.serial())).isFalse();
    assertThat(cloud.revocationList().isRevoked(before.serial()))
        .as("revoked serials stay revoked")
        .isTrue();
  }

  @Test
  void nodeControlPolicy_letsTheCloudHubBlockAndUnblock_butNeverSignANodeCertificate()
      throws Exception {
    NodeName a = node("ctl");
    VaultPkiProvider nodeSigner = provider(enrolledTokenFile(a), VaultEnrollment.roleName(a));
    ObjectNode body = VaultClient.object();
    body.putArray("policies")
        .add(VaultSetup.cloudhubPolicyName(mount))
        .add(VaultSetup.nodeControlPolicyName(mount));
    body.put("ttl", "1h");
    VaultCredential cloudhub =
        VaultCredentials.token(
            client
                .write("auth/token/create-orphan", body, target.operator())
                .auth()
                .orElseThrow()
                .path("client_token")
                .asText(),
            "test cloudhub token with node control");
    VaultPkiProvider cloud =
        VaultPkiProvider.create(client, cloudhub, mount, VaultSetup.CLOUDHUB_ROLE)
            .withNodeControl(VaultEnrollment.builder(client, cloudhub).mount(mount).build());

    cloud.blockNode(a);
    assertThat(cloud.blockedNodes()).contains(a);
    assertThatThrownBy(
            () ->
                VaultPkiProvider.create(client, cloudhub, mount, VaultEnrollment.roleName(a))
                    .sign(nodeRequest(a, Duration.ofHours(1))))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("permission denied");
    cloud.unblockNode(a);

    assertThat(cloud.blockedNodes()).doesNotContain(a);
    assertThat(
            NodeName.fromCertificate(
                nodeSigner.sign(nodeRequest(a, Duration.ofHours(1))).certificate()))
        .isEqualTo(a);
    assertThatThrownBy(
            () ->
                VaultPkiProvider.create(client, cloudhub, mount, VaultEnrollment.roleName(a))
                    .sign(nodeRequest(a, Duration.ofHours(1))))
        .as("node control grants no signing")
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("permission denied");
  }

  @Test
  void blockWithoutAnOperatorCredential_isRefusedWithAMessage() throws Exception {
    NodeName a = node("noctl");
    VaultPkiProvider plain = provider(enrolledTokenFile(a), VaultEnrollment.roleName(a));

    assertThatThrownBy(() -> plain.blockNode(a))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("no operator credential");
    assertThat(plain.blockedNodes()).isEmpty();
  }

  @Test
  void issueMode_returnsAKeyMatchingItsCertificate() throws Exception {
    NodeName a = node("iss");

    HeldCertificate held =
        provider(enrolledTokenFile(a), VaultEnrollment.roleName(a))
            .issue(IssueRequest.forNode(a, Duration.ofHours(1)));

    assertThat(NodeName.fromCertificate(held.certificate())).isEqualTo(a);
    assertThat(held.chain()).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void cloudhubRole_signsServerCertificates_butNeverANodesName() throws Exception {
    VaultPkiProvider agent = provider(cloudhubToken(), VaultSetup.CLOUDHUB_ROLE);
    SigningRequest server =
        SigningRequest.forServer(
            "cloudhub",
            Csr.create(Keys.newP256(), new X500Principal("CN=x")),
            List.of("cloudhub.example.test"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofHours(24));

    X509Certificate cert = agent.sign(server).certificate();

    assertThat(cert.getExtendedKeyUsage())
        .contains(CertificateUsage.SERVER_AUTH.oid())
        .doesNotContain(CertificateUsage.CLIENT_AUTH.oid());
    assertThat(
            cert.getSubjectAlternativeNames().stream()
                .map(san -> String.valueOf(san.get(1)))
                .toList())
        .contains("cloudhub.example.test", "127.0.0.1");
    NodeName victim = node("victim");
    assertThatThrownBy(() -> agent.sign(nodeRequest(victim, Duration.ofHours(1))))
        .hasMessageContaining("common name " + victim.commonName() + " not allowed by this role");
  }

  @Test
  void trustAnchors_areTheMountsCa_andVerifyIssuedCertificates() throws Exception {
    NodeName a = node("ta");
    VaultPkiProvider provider = provider(enrolledTokenFile(a), VaultEnrollment.roleName(a));

    List<X509Certificate> anchors = provider.trustAnchors();
    IssuedCertificate issued = provider.sign(nodeRequest(a, Duration.ofHours(1)));

    assertThat(anchors).isNotEmpty();
    assertThat(anchors.get(0).getBasicConstraints()).isGreaterThanOrEqualTo(0);
    issued.certificate().verify(anchors.get(0).getPublicKey());
  }

  @Test
  void firstSetup_reportedEveryStep() {
    assertThat(firstSetup)
        .extracting(SetupStep::name)
        .containsExactly(
            "PKI secrets engine at " + mount + "/",
            "max lease TTL of " + mount + "/",
            "CA of " + mount + "/",
            "issuing and CRL URLs of " + mount + "/",
            "role " + mount + "/roles/cloudhub",
            "policy " + VaultSetup.cloudhubPolicyName(mount),
            "policy " + VaultSetup.nodeControlPolicyName(mount),
            "approle auth at auth/" + appRoleMount + "/");
  }
}
