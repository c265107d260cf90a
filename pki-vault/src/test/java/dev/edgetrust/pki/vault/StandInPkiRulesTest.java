package dev.edgetrust.pki.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultResponse;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stand-in applies Vault's role rules to names, not just "allowed" or "not". */
class StandInPkiRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static StandInTarget target;
  private static VaultClient client;

  @BeforeAll
  static void start() throws Exception {
    target = new StandInTarget();
    client = VaultClient.connect(target.connection().retryPolicy(RetryPolicy.NONE).build());
    VaultSetup.builder(client, target.operator()).enableCertAuth("cert").build().run();
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  private static void role(String name, String json) throws Exception {
    client.write("pki/roles/" + name, JSON.readTree(json), target.operator());
  }

  private static VaultResponse sign(
      String role, String commonName, boolean excludeCn, String altNames, String ipSans)
      throws Exception {
    ObjectNode body = VaultClient.object();
    body.put("csr", Csr.create(Keys.newP256(), new X500Principal("CN=ignored")).pem());
    body.put("common_name", commonName);
    body.put("exclude_cn_from_sans", excludeCn);
    if (altNames != null) {
      body.put("alt_names", altNames);
    }
    if (ipSans != null) {
      body.put("ip_sans", ipSans);
    }
    return client.write("pki/sign/" + role, body, target.operator());
  }

  @Test
  void nonHostnameCommonName_failsIdnaUnlessExcludedFromSans() throws Exception {
    role(
        "colon",
        "{\"allowed_domains\":[\"system:node:a\"],\"allow_bare_domains\":true,\"enforce_hostnames\":false,\"key_type\":\"ec\",\"use_csr_common_name\":false}");

    assertThatThrownBy(() -> sign("colon", "system:node:a", false, null, null))
        .hasMessage("Vault refused pki/sign/colon: idna: disallowed rune U+003A");
    assertThat(sign("colon", "system:node:a", true, null, null).data().path("certificate").asText())
        .startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void enforcedHostnames_refuseANodeCommonName_evenWhenListed() throws Exception {
    role(
        "strict",
        "{\"allowed_domains\":[\"system:node:a\"],\"allow_bare_domains\":true,\"key_type\":\"ec\",\"use_csr_common_name\":false}");

    assertThatThrownBy(() -> sign("strict", "system:node:a", true, null, null))
        .hasMessage(
            "Vault refused pki/sign/strict: common name system:node:a not allowed by this role");
  }

  @Test
  void subdomainsBareDomainsAndGlobs_followTheirFlags() throws Exception {
    role(
        "subs",
        "{\"allowed_domains\":\"example.test\",\"allow_subdomains\":true,\"key_type\":\"ec\",\"use_csr_common_name\":false,\"use_csr_sans\":false}");
    role(
        "globs",
        "{\"allowed_domains\":[\"edge-*.example.test\"],\"allow_glob_domains\":true,\"key_type\":\"ec\",\"use_csr_common_name\":false}");

    assertThat(sign("subs", "a.example.test", false, null, null).status()).isEqualTo(200);
    assertThatThrownBy(() -> sign("subs", "example.test", false, null, null))
        .hasMessageContaining("common name example.test not allowed");
    assertThatThrownBy(() -> sign("subs", "a.example.test", false, "evil.test", null))
        .hasMessageContaining("subject alternate name evil.test not allowed by this role");
    assertThat(sign("globs", "edge-7.example.test", false, null, null).status()).isEqualTo(200);
    assertThatThrownBy(() -> sign("globs", "core-7.example.test", false, null, null))
        .hasMessageContaining("not allowed by this role");
  }

  @Test
  void requestedSans_areIgnoredWhileTheRoleTakesThemFromTheCsr() throws Exception {
    role("csr-sans", "{\"allow_any_name\":true,\"allow_ip_sans\":false,\"key_type\":\"ec\"}");

    // use_csr_sans defaults to true: alt_names and ip_sans of the request are not looked at.
    String pem =
        sign("csr-sans", "host.example.test", true, "evil.test", "10.0.0.1")
            .data()
            .path("certificate")
            .asText();
    assertThat(dev.edgetrust.x509.Pem.parseCertificates(pem).get(0).getSubjectAlternativeNames())
        .isNull();
  }

  @Test
  void ipSans_areRefusedWhenTheRoleDisallowsThem() throws Exception {
    role(
        "noip",
        "{\"allow_any_name\":true,\"allow_ip_sans\":false,\"key_type\":\"ec\",\"use_csr_sans\":false}");

    assertThatThrownBy(() -> sign("noip", "host.example.test", false, null, "10.0.0.1"))
        .hasMessage(
            "Vault refused pki/sign/noip: IP Subject Alternative Names are not allowed in this role, but was provided 10.0.0.1");
  }

  @Test
  void roleKeyType_mustMatchTheCsrKey() throws Exception {
    role("rsa-only", "{\"allow_any_name\":true,\"key_type\":\"rsa\",\"key_bits\":2048}");

    assertThatThrownBy(() -> sign("rsa-only", "host.example.test", false, null, null))
        .hasMessage("Vault refused pki/sign/rsa-only: role requires keys of type rsa");
  }

  @Test
  void roleTtlLongerThanItsMax_isRefusedWhenWritten() {
    assertThatThrownBy(() -> role("bad-ttl", "{\"ttl\":\"48h\",\"max_ttl\":\"24h\"}"))
        .hasMessage(
            "Vault refused pki/roles/bad-ttl: \"ttl\" value must be less than \"max_ttl\" value");
  }

  @Test
  void ttlCap_isReportedAsAWarning() throws Exception {
    role("short", "{\"allow_any_name\":true,\"key_type\":\"ec\",\"max_ttl\":\"1h\"}");
    ObjectNode body = VaultClient.object();
    body.put("csr", Csr.create(Keys.newP256(), new X500Principal("CN=host.example.test")).pem());
    body.put("common_name", "host.example.test");
    body.put("ttl", "2h");

    VaultResponse response = client.write("pki/sign/short", body, target.operator());

    assertThat(response.warnings())
        .containsExactly(
            "TTL \"2h0m0s\" is longer than permitted maxTTL \"1h0m0s\", so maxTTL is being used");
  }

  @Test
  void mountWithoutCa_hasNoTrustAnchors_andCannotSign() throws Exception {
    client.write("sys/mounts/empty", VaultClient.object().put("type", "pki"), target.operator());
    client.write(
        "empty/roles/any",
        JSON.readTree("{\"allow_any_name\":true,\"key_type\":\"ec\"}"),
        target.operator());
    VaultPkiProvider provider = VaultPkiProvider.create(client, target.operator(), "empty", "any");

    assertThatThrownBy(provider::trustAnchors)
        .hasMessage(
            "Vault's empty mount has no CA certificate yet: run 'edgetrust vault setup' (or configure a CA)");
    assertThatThrownBy(
            () ->
                provider.sign(
                    SigningRequest.forServer(
                        "x.example.test",
                        Csr.create(Keys.newP256(), new X500Principal("CN=x")),
                        List.of(),
                        List.of(),
                        Duration.ofHours(1))))
        .hasMessage(
            "Vault refused empty/sign/any: backend must be configured with a CA certificate/key");
  }

  @Test
  void identityTemplatedRole_bindsEachCertificateLoginToItsOwnName() throws Exception {
    // One role for every node: allowed_domains is the CN of the certificate the caller logged in
    // with.
    String accessor = target.vault.authAccessor("cert");
    role(
        "by-identity",
        "{\"allowed_domains\":[\"{{identity.entity.aliases."
            + accessor
            + ".name}}\"],\"allowed_domains_template\":true,"
            + "\"allow_bare_domains\":true,\"enforce_hostnames\":false,\"client_flag\":true,\"server_flag\":false,"
            + "\"key_type\":\"ec\",\"use_csr_common_name\":false,\"use_csr_sans\":false}");
    client.write(
        "sys/policies/acl/by-identity",
        VaultClient.object()
            .put("policy", "path \"pki/sign/by-identity\" { capabilities = [\"update\"] }"),
        target.operator());
    NodeName a = NodeName.of("templ-a");
    NodeName b = NodeName.of("templ-b");
    HeldCertificate aCert = certificate(a);
    ObjectNode entry = VaultClient.object();
    entry.put(
        "certificate",
        dev.edgetrust.x509.Pem.certificates(aCert.chain().subList(1, aCert.chain().size())));
    entry.putArray("token_policies").add("by-identity");
    client.write("auth/cert/certs/nodes", entry, target.operator());
    VaultClient mtls =
        VaultClient.connect(
            target
                .connection()
                .retryPolicy(RetryPolicy.NONE)
                .clientCertificate(() -> Optional.of(aCert))
                .build());
    VaultPkiProvider provider =
        VaultPkiProvider.create(
            mtls,
            VaultCredentials.certificate("cert", Optional.empty(), target.vault.clock()),
            "pki",
            "by-identity");
    EnumSet<CertificateUsage> client = EnumSet.of(CertificateUsage.CLIENT_AUTH);

    assertThat(
            NodeName.fromCertificate(
                provider
                    .sign(
                        SigningRequest.forNode(
                            a,
                            Csr.create(Keys.newP256(), new X500Principal("CN=x")),
                            client,
                            Duration.ofHours(1)))
                    .certificate()))
        .isEqualTo(a);
    assertThatThrownBy(
            () ->
                provider.sign(
                    SigningRequest.forNode(
                        b,
                        Csr.create(Keys.newP256(), new X500Principal("CN=x")),
                        client,
                        Duration.ofHours(1))))
        .hasMessage(
            "Vault refused pki/sign/by-identity: common name system:node:templ-b not allowed by this role");
  }

  private static HeldCertificate certificate(NodeName node) throws Exception {
    VaultEnrollment.builder(client, target.operator()).build().prepare(node);
    KeyPair key = Keys.newP256();
    var issued =
        VaultPkiProvider.create(client, target.operator(), "pki", VaultEnrollment.roleName(node))
            .sign(
                SigningRequest.forNode(
                    node,
                    Csr.create(key, new X500Principal("CN=x")),
                    EnumSet.of(CertificateUsage.CLIENT_AUTH),
                    Duration.ofHours(1)));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(issued.certificate());
    chain.addAll(issued.caChain());
    return new HeldCertificate(key.getPrivate(), chain);
  }
}
