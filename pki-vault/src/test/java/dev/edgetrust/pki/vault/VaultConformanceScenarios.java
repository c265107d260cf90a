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
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/**
 * The scenarios that define "works with Vault" for edgetrust, run against the in-process stand-in
 * always ({@link StandInConformanceTest}) and against a real Vault when VAULT_ADDR and VAULT_TOKEN
 * are set ({@link RealVaultConformanceTest}), so the stand-in is checked against the real thing.
 *
 * <p>Each run works on its own uniquely named PKI mount and AppRole mount and removes them after.
 */
abstract class VaultConformanceScenarios extends VaultScenarioFixture {

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
            .stateMount(stateMount(mount))
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
    cleanupMounts.add(stateMount(fresh));
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
        .hasMessageContaining("is expired or revoked");
    assertThat(cloud.revocationList().isRevoked(before.serial())).isTrue();
    assertThat(
            NodeName.fromCertificate(
                otherSigner.sign(nodeRequest(other, Duration.ofHours(1))).certificate()))
        .as("other nodes carry on")
        .isEqualTo(other);

    cloud.unblockNode(a);

    assertThat(cloud.blockedNodes()).doesNotContain(a);
    // The block revoked the node's token: the device signs again with the one re-enrollment gives.
    IssuedCertificate after =
        provider(enrolledTokenFile(a), VaultEnrollment.roleName(a))
            .sign(nodeRequest(a, Duration.ofHours(1)));
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
            .withNodeControl(
                VaultEnrollment.builder(client, cloudhub)
                    .mount(mount)
                    .appRoleMount(appRoleMount)
                    .stateMount(stateMount(mount))
                    .build());

    cloud.blockNode(a);
    assertThat(cloud.blockedNodes()).contains(a);
    assertThatThrownBy(() -> nodeSigner.sign(nodeRequest(a, Duration.ofHours(1))))
        .as("the node's token is revoked")
        .hasMessageContaining("is expired or revoked");
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
                provider(enrolledTokenFile(a), VaultEnrollment.roleName(a))
                    .sign(nodeRequest(a, Duration.ofHours(1)))
                    .certificate()))
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
            "edgetrust's state (KV version 1) at " + stateMount(mount) + "/",
            "policy " + VaultSetup.nodeControlPolicyName(mount),
            "approle auth at auth/" + appRoleMount + "/");
  }

  // ---- Vault's answers the project depends on, as a real Vault 1.8+ gives them ----------------

  private java.net.http.HttpResponse<byte[]> raw(String path, Optional<String> token)
      throws Exception {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(target.connection().build().uri(path)).GET();
    token.ifPresent(t -> request.header("X-Vault-Token", t));
    return VaultClient.httpClient(target.connection().build())
        .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String contentType(java.net.http.HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  @Test
  void caChain_ofARootWithoutChain_isEmpty_andTrustAnchorsFallBackToTheCa() throws Exception {
    var chain = raw(mount + "/ca_chain", Optional.empty());
    X509Certificate ca =
        Pem.parseCertificates(raw(mount + "/ca/pem", Optional.empty()).body()).get(0);

    if (chain.statusCode() == 204) {
      // Vault 1.8: a generated root has no chain, and the answer is 204 with no body.
      assertThat(chain.body()).isEmpty();
    } else {
      // Later Vaults list the root itself.
      assertThat(chain.statusCode()).isEqualTo(200);
      assertThat(Pem.parseCertificates(chain.body())).containsExactly(ca);
    }
    assertThat(provider(target.operator(), VaultSetup.CLOUDHUB_ROLE).trustAnchors())
        .containsExactly(ca);
  }

  @Test
  void caPem_isServedAsPkixCert_andCrlPemAsPkixCrl() throws Exception {
    var ca = raw(mount + "/ca/pem", Optional.empty());
    var crl = raw(mount + "/crl/pem", Optional.empty());

    assertThat(ca.statusCode()).isEqualTo(200);
    assertThat(contentType(ca)).isEqualTo("application/pkix-cert");
    assertThat(new String(ca.body(), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(crl.statusCode()).isEqualTo(200);
    assertThat(contentType(crl)).isEqualTo("application/pkix-crl");
    assertThat(new String(crl.body(), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN X509 CRL-----");
  }

  @Test
  void requestWithoutAToken_is400MissingClientToken() throws Exception {
    var response = raw("auth/token/lookup-self", Optional.empty());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("missing client token");
  }

  @Test
  void invalidToken_is403PlainPermissionDenied_andTheClientSaysTheTokenIsDead() throws Exception {
    String bogus = "s.NotARealTokenAtAll0000000";
    var response = raw("auth/token/lookup-self", Optional.of(bogus));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(response.body())
                .path("errors")
                .toString())
        .isEqualTo("[\"permission denied\"]");
    assertThatThrownBy(
            () ->
                new VaultTokens(client, Clock.systemUTC())
                    .lookupSelf(VaultCredentials.token(bogus, "a made-up token")))
        .hasMessage(
            VaultCredentials.token(bogus, "a made-up token").description()
                + " is expired or revoked (403 on auth/token/lookup-self): "
                + VaultCredentials.token(bogus, "a made-up token").remedy());
  }

  @Test
  void renewSelfAtTheMaxTtl_isTerminal_withOneActionableLine() throws Exception {
    ObjectNode body = VaultClient.object();
    body.putArray("policies").add("default");
    body.put("ttl", "10s");
    body.put("explicit_max_ttl", "10s");
    String token =
        client
            .write("auth/token/create-orphan", body, target.operator())
            .auth()
            .orElseThrow()
            .path("client_token")
            .asText();
    VaultCredential credential = VaultCredentials.token(token, "test token near its max");
    VaultTokens tokens = new VaultTokens(client, Clock.systemUTC());
    if (target instanceof StandInTarget standIn) {
      standIn.vault.clearRequests();
    }
    // Into the token's last second, where Vault (counting creation in whole seconds) finds the
    // max TTL passed while the lease still runs; the stand-in's clock keeps running meanwhile.
    target.passTime(Duration.ofSeconds(9));

    // A real Vault's clock runs on its own: renew until Vault refuses (capped renewals succeed).
    PkiException refused =
        await()
            .pollDelay(Duration.ZERO)
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> renewFailure(tokens, credential), Optional::isPresent)
            .orElseThrow();

    assertThat(refused.isRetryable()).as("asking again cannot give it more time").isFalse();
    assertThat(refused.getMessage())
        .satisfiesAnyOf(
            m ->
                assertThat(m)
                    .isEqualTo(
                        credential.description()
                            + " reached its max TTL and cannot be renewed any"
                            + " more (500 'past the max TTL, cannot renew' on"
                            + " auth/token/renew-self): "
                            + credential.remedy()),
            // Past the max a real Vault may have revoked the token already.
            m -> assertThat(m).contains("is expired or revoked"));
    if (target instanceof StandInTarget standIn) {
      assertThat(refused.getMessage()).contains("reached its max TTL");
      assertThat(standIn.vault.requestCount("auth/token/renew-self"))
          .as("no retries of a final answer")
          .isEqualTo(1);
    }
  }

  private static Optional<PkiException> renewFailure(
      VaultTokens tokens, VaultCredential credential) {
    try {
      tokens.renewSelf(credential, Optional.empty());
      return Optional.empty();
    } catch (PkiException e) {
      return Optional.of(e);
    }
  }
}
