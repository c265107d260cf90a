package dev.edgetrust.pki.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeCredentialChange;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.auth.VaultTokens;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultDurations;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A device's whole life in Vault as an operator runs it: enroll, block (every live credential of
 * the node stops working), unblock (exactly the enrolled limits, from the record enrollment keeps
 * in Vault, by a CloudHub that never saw the enrollment), certificate login. Run against the
 * stand-in always ({@link StandInLifecycleTest}) and a real Vault when VAULT_ADDR/VAULT_TOKEN are
 * set ({@link RealVaultLifecycleTest}).
 */
abstract class VaultLifecycleScenarios extends VaultScenarioFixture {

  /** Enrollment as an operator runs it, with limits other than the CloudHub's defaults. */
  VaultEnrollment.Builder operatorEnrollment() {
    return VaultEnrollment.builder(client, target.operator())
        .mount(mount)
        .appRoleMount(appRoleMount)
        .stateMount(stateMount(mount))
        .certificateTtl(Duration.ofMinutes(2), Duration.ofMinutes(10))
        .tokenTtl(Duration.ofHours(1));
  }

  /**
   * The CloudHub's provider as a replica that never saw the enrollment builds it: its own defaults
   * (24h/72h), only the mounts in common.
   */
  VaultPkiProvider cloudHubReplica() {
    return provider(target.operator(), VaultSetup.CLOUDHUB_ROLE)
        .withNodeControl(
            VaultEnrollment.builder(client, target.operator())
                .mount(mount)
                .appRoleMount(appRoleMount)
                .stateMount(stateMount(mount))
                .build());
  }

  JsonNode role(NodeName node) throws PkiException {
    return client
        .read(mount + "/roles/" + VaultEnrollment.roleName(node), target.operator())
        .data();
  }

  @Test
  void block_revokesTheNodesToken_andUnblockRestoresTheEnrolledLimits() throws Exception {
    NodeName a = node("life");
    VaultEnrollment operator = operatorEnrollment().build();
    VaultCredential token = tokenFile(a.value(), operator.enrollWithToken(a).token().orElseThrow());
    VaultPkiProvider device = provider(token, VaultEnrollment.roleName(a));
    device.sign(nodeRequest(a, Duration.ofMinutes(2)));
    VaultPkiProvider cloud = cloudHubReplica();

    NodeCredentialChange blocked = cloud.blockNode(a);

    assertThat(blocked.done()).contains("revoked 1 token by accessor");
    assertThatThrownBy(() -> new VaultTokens(client, Clock.systemUTC()).lookupSelf(token))
        .as("the device's token is dead, not merely unable to sign")
        .hasMessageContaining("is expired or revoked");
    assertThat(
            client.readIfPresent(
                mount + "/roles/" + VaultEnrollment.roleName(a), target.operator()))
        .isEmpty();

    NodeCredentialChange unblocked = cloud.unblockNode(a);

    JsonNode role = role(a);
    assertThat(VaultDurations.parse(role.path("ttl"), "ttl")).isEqualTo(Duration.ofMinutes(2));
    assertThat(VaultDurations.parse(role.path("max_ttl"), "max_ttl"))
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(role.path("key_type").asText()).isEqualTo("ec");
    assertThat(unblocked.done()).contains("as enrolled (ttl 120s, max ttl 600s, key ec 256");
    assertThat(unblocked.nextStep())
        .contains("revoked the device's Vault token")
        .contains("./edgetrust enroll " + a + " --auth token --ttl 120s --max-ttl 600s")
        .contains("vault-token");
    assertThat(cloud.blockedNodes()).doesNotContain(a);
    IssuedCertificate again =
        provider(
                tokenFile(a + "-new", operator.enrollWithToken(a).token().orElseThrow()),
                VaultEnrollment.roleName(a))
            .sign(nodeRequest(a, Duration.ofHours(1)));
    assertThat(
            Duration.between(
                again.certificate().getNotBefore().toInstant(),
                again.certificate().getNotAfter().toInstant()))
        .as("the enrolled max ttl caps it again")
        .isLessThanOrEqualTo(Duration.ofMinutes(10).plusMinutes(1));
  }

  @Test
  void blockTwice_revokesNothingTheSecondTime_andUnblockStillRestoresTheLimits() throws Exception {
    NodeName a = node("twice");
    operatorEnrollment().build().enrollWithToken(a);
    VaultPkiProvider cloud = cloudHubReplica();

    cloud.blockNode(a);
    NodeCredentialChange second = cloud.blockNode(a);
    cloud.unblockNode(a);

    assertThat(second.done()).contains("was already gone").contains("revoked 0 tokens");
    assertThat(VaultDurations.parse(role(a).path("max_ttl"), "max_ttl"))
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void appRoleSecretIds_areBoundedByDefault_andBlockDestroysThem() throws Exception {
    NodeName a = node("arole");
    NodeCredential credential = operatorEnrollment().build().enrollWithAppRole(a);
    JsonNode approle =
        client
            .read(
                "auth/" + appRoleMount + "/role/" + VaultEnrollment.policyName(a),
                target.operator())
            .data();
    assertThat(VaultDurations.parse(approle.path("secret_id_ttl"), "secret_id_ttl"))
        .isEqualTo(VaultEnrollment.DEFAULT_SECRET_ID_TTL);
    assertThat(approle.path("secret_id_num_uses").asInt())
        .isEqualTo(VaultEnrollment.DEFAULT_SECRET_ID_USES);
    Path secretFile = dir.resolve(a.value() + ".secret-id");
    AtomicFile.writeSecret(
        secretFile, credential.secretId().orElseThrow().getBytes(StandardCharsets.US_ASCII));
    VaultCredential login =
        VaultCredentials.appRole(
            appRoleMount, credential.roleId().orElseThrow(), secretFile, Clock.systemUTC());
    VaultCredential secondLogin =
        VaultCredentials.appRole(
            appRoleMount, credential.roleId().orElseThrow(), secretFile, Clock.systemUTC());
    provider(login, VaultEnrollment.roleName(a)).sign(nodeRequest(a, Duration.ofMinutes(2)));

    NodeCredentialChange blocked = cloudHubReplica().blockNode(a);
    NodeCredentialChange unblocked = cloudHubReplica().unblockNode(a);

    assertThat(blocked.done()).contains("destroyed 1 AppRole secret_id");
    assertThatThrownBy(() -> new VaultTokens(client, Clock.systemUTC()).lookupSelf(secondLogin))
        .as("the secret_id no longer logs in")
        .hasMessageContaining("was refused")
        .matches(e -> !((PkiException) e).isRetryable());
    assertThat(unblocked.nextStep())
        .contains("destroyed the device's AppRole secret_ids")
        .contains("--auth approle");
  }

  @Test
  void certificateLogin_endToEnd_andARevokedCertificateCannotLogIn() throws Exception {
    assumeTrue(
        target.connection().build().isTls(), "certificate login needs an https Vault address");
    String certMount = "edgetrust-cert-" + id;
    cleanupAuth.add(certMount);
    List<SetupStep> steps =
        setup(mount).enableAppRole(appRoleMount).enableCertAuth(certMount).build().run();
    assertThat(steps)
        .extracting(SetupStep::name)
        .contains(
            "CRL of " + mount + "/ for auth/" + certMount + "/crls/" + CertAuthCrl.crlName(mount));
    NodeName a = node("certlogin");
    VaultEnrollment operator = operatorEnrollment().certMount(certMount).build();
    NodeCredential bootstrap = operator.enrollWithCertificate(a);
    JsonNode entry =
        client
            .read(
                "auth/" + certMount + "/certs/" + VaultEnrollment.certEntryName(a),
                target.operator())
            .data();
    assertThat(entry.path("allowed_common_names").toString()).contains(a.commonName());
    assertThat(entry.path("token_policies").toString()).contains(VaultEnrollment.policyName(a));

    // The first certificate with the bootstrap token, then renewals with the certificate alone.
    HeldCertificate first =
        held(
            provider(
                tokenFile(a.value(), bootstrap.token().orElseThrow()), VaultEnrollment.roleName(a)),
            a);
    VaultPkiProvider byCertificate =
        VaultPkiProvider.create(
            presenting(first),
            VaultCredentials.certificate(
                certMount, Optional.of(VaultEnrollment.certEntryName(a)), Clock.systemUTC()),
            mount,
            VaultEnrollment.roleName(a));
    HeldCertificate second = held(byCertificate, a);

    VaultPkiProvider cloud = cloudHubReplica();
    cloud.revoke(first.certificate().getSerialNumber());

    VaultCredential revokedLogin =
        VaultCredentials.certificate(
            certMount, Optional.of(VaultEnrollment.certEntryName(a)), Clock.systemUTC());
    assertThatThrownBy(
            () -> new VaultTokens(presenting(first), Clock.systemUTC()).lookupSelf(revokedLogin))
        .as("a certificate revoked in the PKI cannot log in")
        .hasMessageContaining("was refused")
        .matches(e -> !((PkiException) e).isRetryable());
    VaultCredential validLogin =
        VaultCredentials.certificate(
            certMount, Optional.of(VaultEnrollment.certEntryName(a)), Clock.systemUTC());
    assertThat(
            new VaultTokens(presenting(second), Clock.systemUTC())
                .lookupSelf(validLogin)
                .policies())
        .contains(VaultEnrollment.policyName(a));

    NodeCredentialChange blocked = cloud.blockNode(a);
    assertThat(blocked.done())
        .contains(
            "deleted cert auth entry auth/"
                + certMount
                + "/certs/"
                + VaultEnrollment.certEntryName(a));
    assertThat(
            client.readIfPresent(
                "auth/" + certMount + "/certs/" + VaultEnrollment.certEntryName(a),
                target.operator()))
        .isEmpty();
    assertThat(cloud.unblockNode(a).nextStep()).contains("--auth cert");
  }

  /** A client of its own per certificate: a resumed TLS session would present the old one. */
  private VaultClient presenting(HeldCertificate certificate) {
    return VaultClient.connect(
        target
            .connection()
            .retryPolicy(RetryPolicy.NONE)
            .clientCertificate(() -> Optional.of(certificate))
            .build());
  }

  private static HeldCertificate held(VaultPkiProvider signer, NodeName node) throws Exception {
    KeyPair key = Keys.newP256();
    IssuedCertificate issued =
        signer.sign(SigningRequest.forNode(node, kubeEdgeCsr(key), CLIENT, Duration.ofMinutes(2)));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(issued.certificate());
    chain.addAll(issued.caChain());
    return new HeldCertificate(key.getPrivate(), chain);
  }
}
