package dev.edgetrust.pki.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PKI answer is input too: a certificate for another key, another name, another issuer, or with a
 * serial or expiration that disagree with it, is refused. Genuine answers come from the stand-in; a
 * canned server replays them, altered, to the provider.
 */
class VaultAnswerCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final NodeName NODE = NodeName.of("edge-a");
  private static StandInTarget target;
  private static VaultClient client;
  private static HttpServer canned;
  private static final AtomicReference<byte[]> answer = new AtomicReference<>();
  private static VaultPkiProvider cannedProvider;
  private Csr csr;
  private ObjectNode genuine;

  @BeforeAll
  static void start() throws Exception {
    target = new StandInTarget();
    client = VaultClient.connect(target.connection().retryPolicy(RetryPolicy.NONE).build());
    VaultSetup.builder(client, target.operator()).build().run();
    VaultEnrollment.builder(client, target.operator()).build().prepare(NODE);
    canned = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    canned.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          byte[] body = answer.get();
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    canned.start();
    VaultClient cannedClient =
        VaultClient.connect(
            VaultConnection.builder("http://127.0.0.1:" + canned.getAddress().getPort())
                .retryPolicy(RetryPolicy.NONE)
                .build());
    cannedProvider =
        VaultPkiProvider.create(
            cannedClient,
            VaultCredentials.token("s.canned", "test"),
            "pki",
            VaultEnrollment.roleName(NODE));
  }

  @AfterAll
  static void stop() {
    canned.stop(0);
    target.close();
  }

  @BeforeEach
  void signGenuinely() throws Exception {
    csr = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io"));
    ObjectNode body = VaultClient.object();
    body.put("csr", csr.pem());
    body.put("common_name", NODE.commonName());
    body.put("exclude_cn_from_sans", true);
    genuine =
        (ObjectNode)
            client
                .write("pki/sign/" + VaultEnrollment.roleName(NODE), body, target.operator())
                .body();
  }

  private SigningRequest request(Csr c) {
    return SigningRequest.forNode(
        NODE, c, EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofHours(1));
  }

  private void serve(ObjectNode envelope) throws Exception {
    answer.set(JSON.writeValueAsBytes(envelope));
  }

  @Test
  void genuineAnswer_isAccepted_evenWithAQuotedExpiration() throws Exception {
    ObjectNode altered = genuine.deepCopy();
    ((ObjectNode) altered.get("data"))
        .put("expiration", altered.get("data").get("expiration").asText());
    serve(altered);

    assertThat(NodeName.fromCertificate(cannedProvider.sign(request(csr)).certificate()))
        .isEqualTo(NODE);
  }

  @Test
  void certificateForAnotherKey_isRefused() throws Exception {
    serve(genuine);
    Csr otherKey = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io"));

    assertThatThrownBy(() -> cannedProvider.sign(request(otherKey)))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "the certificate Vault returned from pki/sign/edge-node-edge-a is for a different key than the CSR's: refusing it");
  }

  @Test
  void certificateNotSignedByTheNamedIssuer_isRefused() throws Exception {
    ObjectNode altered = genuine.deepCopy();
    ((ObjectNode) altered.get("data")).put("issuing_ca", Pem.certificate(target.vault.serverCa()));
    serve(altered);

    assertThatThrownBy(() -> cannedProvider.sign(request(csr)))
        .hasMessage(
            "the certificate Vault returned from pki/sign/edge-node-edge-a is not signed by the issuing_ca it names: refusing it");
  }

  @Test
  void serialThatIsNotTheCertificates_isRefused() throws Exception {
    ObjectNode altered = genuine.deepCopy();
    ((ObjectNode) altered.get("data")).put("serial_number", "01:02:03");
    serve(altered);

    assertThatThrownBy(() -> cannedProvider.sign(request(csr)))
        .hasMessage(
            "Vault's serial_number 01:02:03 from pki/sign/edge-node-edge-a is not the certificate's serial: refusing it");
  }

  @Test
  void expirationThatIsNotTheCertificates_isRefused() throws Exception {
    ObjectNode altered = genuine.deepCopy();
    ((ObjectNode) altered.get("data")).put("expiration", 1);
    serve(altered);

    assertThatThrownBy(() -> cannedProvider.sign(request(csr)))
        .hasMessage(
            "Vault's expiration from pki/sign/edge-node-edge-a does not match the certificate's notAfter: refusing it");
  }

  @Test
  void answerWithoutACertificate_isRefused() throws Exception {
    ObjectNode altered = genuine.deepCopy();
    ((ObjectNode) altered.get("data")).remove("certificate");
    serve(altered);

    assertThatThrownBy(() -> cannedProvider.sign(request(csr)))
        .hasMessage("Vault's answer to pki/sign/edge-node-edge-a: certificate is missing");
  }

  @Test
  void roleThatTakesTheCsrsCommonName_isCaught() throws Exception {
    // A role left at Vault's default use_csr_common_name=true signs the CSR's CN, not the one asked
    // for.
    ObjectNode lax = VaultClient.object();
    lax.put("allow_any_name", true);
    lax.put("enforce_hostnames", false);
    lax.put("key_type", "ec");
    lax.put("key_bits", 256);
    client.write("pki/roles/lax", lax, target.operator());
    VaultPkiProvider provider = VaultPkiProvider.create(client, target.operator(), "pki", "lax");

    assertThatThrownBy(() -> provider.sign(request(csr)))
        .hasMessage(
            "the certificate Vault returned from pki/sign/lax names CN [kubeedge.io] but CN system:node:edge-a was asked for:"
                + " refusing it (does the role set use_csr_common_name=false?)");
  }

  @Test
  void serverCertificateMissingARequestedName_isRefused() throws Exception {
    ObjectNode role = VaultClient.object();
    role.put("allow_any_name", true);
    role.put("key_type", "ec");
    role.put("use_csr_sans", true);
    role.put("use_csr_common_name", false);
    client.write("pki/roles/csr-sans", role, target.operator());
    VaultPkiProvider provider =
        VaultPkiProvider.create(client, target.operator(), "pki", "csr-sans");
    SigningRequest server =
        SigningRequest.forServer(
            "cloudhub", csr, List.of("cloudhub.example.test"), List.of(), Duration.ofHours(1));

    // The role takes SANs from the CSR (which has none), so the name asked for is missing.
    assertThatThrownBy(() -> provider.sign(server))
        .hasMessage(
            "the certificate Vault returned from pki/sign/csr-sans lacks DNS name cloudhub.example.test: refusing it");
  }

  @Test
  void roleThatAddsServerAuthToANodeCertificate_isRefused() throws Exception {
    // A node role left at Vault's default server_flag=true signs client and server auth: such a
    // certificate must not reach the node, whatever usages were asked for.
    ObjectNode both = VaultClient.object();
    both.put("allow_any_name", true);
    both.put("enforce_hostnames", false);
    both.put("use_csr_common_name", false);
    both.put("key_type", "ec");
    both.put("key_bits", 256);
    client.write("pki/roles/both-flags", both, target.operator());
    VaultPkiProvider provider =
        VaultPkiProvider.create(client, target.operator(), "pki", "both-flags");

    assertThatThrownBy(() -> provider.sign(request(csr)))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith(
            "the certificate Vault returned from pki/sign/both-flags for system:node:edge-a could serve as a server certificate")
        .hasMessageEndingWith(
            "(a node's role needs server_flag=false, client_flag=true and no SANs)");
    assertThatThrownBy(() -> provider.issue(IssueRequest.forNode(NODE, Duration.ofHours(1))))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("could serve as a server certificate");
  }

  @Test
  void issueRequestForANodeWithServerAuth_cannotBeMade() {
    assertThatThrownBy(
            () ->
                new IssueRequest(
                    NODE.commonName(),
                    EnumSet.of(CertificateUsage.SERVER_AUTH),
                    List.of(),
                    List.of(),
                    Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a node certificate is a client certificate only");
  }
}
