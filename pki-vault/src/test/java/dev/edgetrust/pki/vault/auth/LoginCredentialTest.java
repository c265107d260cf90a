package dev.edgetrust.pki.vault.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.NodeCredential;
import dev.edgetrust.pki.vault.StandInTarget;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.VaultSetup;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins: AppRole (cached, re-login after revocation), TLS certificate (renew with the current
 * certificate), Kubernetes.
 */
class LoginCredentialTest {
  private static StandInTarget target;
  private static VaultClient client;
  private static VaultEnrollment enrollment;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    target = new StandInTarget();
    client = VaultClient.connect(target.connection().retryPolicy(RetryPolicy.NONE).build());
    VaultSetup.builder(client, target.operator())
        .enableAppRole("approle")
        .enableCertAuth("cert")
        .build()
        .run();
    enrollment = VaultEnrollment.builder(client, target.operator()).build();
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  private static SigningRequest request(NodeName node, KeyPair key) {
    return SigningRequest.forNode(
        node,
        Csr.create(key, new X500Principal("CN=kubeedge.io")),
        EnumSet.of(CertificateUsage.CLIENT_AUTH),
        Duration.ofHours(1));
  }

  private static HeldCertificate certificateFor(NodeName node) throws Exception {
    VaultPkiProvider admin =
        VaultPkiProvider.create(client, target.operator(), "pki", VaultEnrollment.roleName(node));
    KeyPair key = Keys.newP256();
    var issued = admin.sign(request(node, key));
    List<java.security.cert.X509Certificate> chain = new ArrayList<>();
    chain.add(issued.certificate());
    chain.addAll(issued.caChain());
    return new HeldCertificate(key.getPrivate(), chain);
  }

  @Test
  void appRoleToken_isCachedAcrossRequests_andObtainedAgainAfterRevocation() throws Exception {
    NodeName node = NodeName.of("approle-node");
    NodeCredential enrolled = enrollment.enrollWithAppRole(node);
    Path secret = dir.resolve("secret-id");
    AtomicFile.writeSecret(
        secret, enrolled.secretId().orElseThrow().getBytes(StandardCharsets.US_ASCII));
    VaultCredential login =
        VaultCredentials.appRole(
            "approle", enrolled.roleId().orElseThrow(), secret, target.vault.clock());
    VaultTokens tokens = new VaultTokens(client, target.vault.clock());
    target.vault.clearRequests();

    String firstAccessor = tokens.lookupSelf(login).accessor();
    tokens.lookupSelf(login);
    assertThat(target.vault.requestCount("auth/approle/login")).isEqualTo(1);

    tokens.revokeSelf(login);
    String secondAccessor = tokens.lookupSelf(login).accessor();

    assertThat(target.vault.requestCount("auth/approle/login")).isEqualTo(2);
    assertThat(secondAccessor).isNotEqualTo(firstAccessor);
  }

  @Test
  void certificateLogin_letsANodeRenewWithItsCurrentCertificate_only() throws Exception {
    NodeName a = NodeName.of("cert-a");
    NodeName b = NodeName.of("cert-b");
    enrollment.prepare(a);
    enrollment.prepare(b);
    enrollment.allowCertificateLogin(a, "cert", Duration.ofMinutes(10));
    AtomicReference<HeldCertificate> current = new AtomicReference<>(certificateFor(a));
    VaultClient mtls =
        VaultClient.connect(
            target
                .connection()
                .retryPolicy(RetryPolicy.NONE)
                .clientCertificate(() -> Optional.of(current.get()))
                .build());
    VaultCredential login =
        VaultCredentials.certificate(
            "cert", Optional.of(VaultEnrollment.policyName(a)), target.vault.clock());
    VaultPkiProvider provider =
        VaultPkiProvider.create(mtls, login, "pki", VaultEnrollment.roleName(a));

    var renewed = provider.sign(request(a, Keys.newP256()));
    assertThat(NodeName.fromCertificate(renewed.certificate())).isEqualTo(a);

    // Node b's certificate is not accepted by node a's entry.
    current.set(certificateFor(b));
    VaultClient otherConnection =
        VaultClient.connect(
            target
                .connection()
                .retryPolicy(RetryPolicy.NONE)
                .clientCertificate(() -> Optional.of(current.get()))
                .build());
    VaultCredential bAsA =
        VaultCredentials.certificate(
            "cert", Optional.of(VaultEnrollment.policyName(a)), target.vault.clock());
    assertThatThrownBy(
            () -> new VaultTokens(otherConnection, target.vault.clock()).lookupSelf(bAsA))
        .hasMessageStartingWith(
            "certificate login at auth/cert/login was refused (Vault refused auth/cert/login: invalid certificate or no client certificate supplied)");
  }

  @Test
  void certificateLogin_withoutAClientCertificate_saysWhatIsMissing() {
    VaultCredential login =
        VaultCredentials.certificate("cert", Optional.empty(), target.vault.clock());

    assertThatThrownBy(() -> new VaultTokens(client, target.vault.clock()).lookupSelf(login))
        .hasMessageContaining("needs an https Vault address and a client certificate to present");
  }

  @Test
  void kubernetesLogin_withAReviewedServiceAccountToken_getsTheRolesPolicies() throws Exception {
    client.write(
        "sys/auth/kubernetes", VaultClient.object().put("type", "kubernetes"), target.operator());
    ObjectNode role = VaultClient.object();
    role.putArray("bound_service_account_names").add("edgetrust-agent");
    role.putArray("bound_service_account_namespaces").add("kubeedge");
    role.putArray("token_policies").add(VaultSetup.CLOUDHUB_POLICY);
    client.write("auth/kubernetes/role/agent", role, target.operator());
    target.vault.trustKubernetesJwt("eyJ.agent.jwt", "kubeedge", "edgetrust-agent", "uid-1");
    Path jwt = dir.resolve("sa-token");
    AtomicFile.writeSecret(jwt, "eyJ.agent.jwt".getBytes(StandardCharsets.US_ASCII));

    TokenInfo info =
        new VaultTokens(client, target.vault.clock())
            .lookupSelf(
                VaultCredentials.kubernetes("kubernetes", "agent", jwt, target.vault.clock()));

    assertThat(info.policies()).contains(VaultSetup.CLOUDHUB_POLICY, "default");
  }
}
