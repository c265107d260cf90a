package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SigningRequestTest {
  private static Csr csr;

  @BeforeAll
  static void makeCsr() {
    // What edgecore v1.15 sends: a subject that is not the node's.
    csr = Csr.create(Keys.newP256(), new X500Principal("CN=kubeedge.io, O=kubeEdge"));
  }

  @Test
  void forNode_usesTheNodeSubjectNotTheCsrs() {
    NodeName node = NodeName.of("edge-1");
    SigningRequest request =
        SigningRequest.forNode(
            node, csr, EnumSet.of(CertificateUsage.CLIENT_AUTH), Duration.ofHours(1));
    assertThat(request.subject()).isEqualTo(node.subject());
    assertThat(request.subject()).isNotEqualTo(csr.subject());
    assertThat(request.dnsNames()).isEmpty();
    assertThat(request.ipAddresses()).isEmpty();
  }

  @Test
  void forServer_escapesTheCommonNameAndCarriesTheNames() throws Exception {
    InetAddress ip = InetAddress.getByName("192.0.2.10");
    SigningRequest request =
        SigningRequest.forServer(
            "cloud,hub+1", csr, List.of("cloud.example"), List.of(ip), Duration.ofDays(1));
    assertThat(NodeName.commonNames(request.subject())).containsExactly("cloud,hub+1");
    assertThat(request.usages()).containsExactly(CertificateUsage.SERVER_AUTH);
    assertThat(request.dnsNames()).containsExactly("cloud.example");
    assertThat(request.ipAddresses()).containsExactly(ip);
  }

  @Test
  void emptyUsages_areRefused() {
    assertThatThrownBy(
            () -> SigningRequest.forNode(NodeName.of("a"), csr, Set.of(), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("usages is empty");
  }

  @Test
  void zeroOrNegativeTtl_isRefused() {
    for (Duration ttl : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
      assertThatThrownBy(
              () ->
                  SigningRequest.forNode(
                      NodeName.of("a"), csr, Set.of(CertificateUsage.CLIENT_AUTH), ttl))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("ttl must be positive");
    }
  }

  @Test
  void lists_areCopied() {
    List<String> names = new ArrayList<>(List.of("a.example"));
    SigningRequest request =
        SigningRequest.forServer("cloudhub", csr, names, List.of(), Duration.ofDays(1));
    names.add("b.example");
    assertThat(request.dnsNames()).containsExactly("a.example");
  }

  @Test
  void nodeSubjectWithServerAuth_isRefused_throughEveryConstructor() throws Exception {
    NodeName node = NodeName.of("edge-1");
    InetAddress ip = InetAddress.getByName("127.0.0.1");
    List<Runnable> attempts =
        List.of(
            () ->
                SigningRequest.forNode(
                    node, csr, EnumSet.of(CertificateUsage.SERVER_AUTH), Duration.ofHours(1)),
            () ->
                SigningRequest.forNode(
                    node, csr, EnumSet.allOf(CertificateUsage.class), Duration.ofHours(1)),
            () ->
                new SigningRequest(
                    node.subject(),
                    csr,
                    EnumSet.of(CertificateUsage.SERVER_AUTH),
                    List.of(),
                    List.of(),
                    Duration.ofHours(1)),
            // A client certificate that names an address is one an edge would take for the
            // CloudHub's.
            () ->
                new SigningRequest(
                    node.subject(),
                    csr,
                    SigningRequest.NODE_USAGES,
                    List.of(),
                    List.of(ip),
                    Duration.ofHours(1)),
            // Malformed node names and the node group alone claim a node just as well.
            () ->
                new SigningRequest(
                    new X500Principal("CN=system:node:Not_Valid"),
                    csr,
                    EnumSet.of(CertificateUsage.SERVER_AUTH),
                    List.of(),
                    List.of(),
                    Duration.ofHours(1)),
            () ->
                new SigningRequest(
                    new X500Principal("CN=cloudhub, O=system:nodes"),
                    csr,
                    EnumSet.of(CertificateUsage.SERVER_AUTH),
                    List.of(),
                    List.of(),
                    Duration.ofHours(1)),
            () ->
                SigningRequest.forServer(
                    node.commonName(), csr, List.of(), List.of(ip), Duration.ofHours(1)));

    assertThat(attempts)
        .allSatisfy(
            attempt ->
                assertThatThrownBy(attempt::run)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("a node certificate is a client certificate only: "));
  }

  @Test
  void forNode_withoutUsages_isClientAuthOnly() {
    SigningRequest request =
        SigningRequest.forNode(NodeName.of("edge-1"), csr, Duration.ofHours(1));

    assertThat(request.usages()).containsExactly(CertificateUsage.CLIENT_AUTH);
  }
}
