package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link PkiProvider} must do, whatever PKI is behind it: the scenarios of
 * docs/providers.md. A provider module extends this class in its tests, against its real PKI (or
 * the closest thing the build can run: the built-in CA on disk, the Vault stand-in and a real Vault
 * when VAULT_ADDR is set, a real {@code cfssl serve}), and supplies {@link #provider()}; the PKI's
 * set-up is the subclass's, in its own {@code @BeforeAll}/{@code @AfterAll} (one instance per
 * class).
 *
 * <ul>
 *   <li>a node CSR gets exactly the node's subject, client auth only, no names, the CSR's key, and
 *       no longer a lifetime than asked;
 *   <li>the certificate chains to {@link PkiProvider#trustAnchors()};
 *   <li>a CSR naming another node, another organization and hosts leaks none of it (or is refused);
 *   <li>a node request with server auth or names cannot even be made, and a PKI policy that grants
 *       server auth anyway (hook {@link #providerWhosePolicyGrantsNodesServerAuth()}) is refused;
 *   <li>the CloudHub's server certificate has server auth and exactly the names asked;
 *   <li>where {@link PkiProvider#revocation()} is offered: a revoked serial is in the list, another
 *       is not, and revoking twice is fine;
 *   <li>where {@link PkiProvider#blocking()} is offered: a blocked node is listed and refused
 *       signing, and unblocking lets it sign again.
 * </ul>
 *
 * <p>Node names are unique per run, so a PKI that keeps state (a Vault, a CFSSL database) can be
 * shared between runs. Scenarios for a capability the provider does not offer are skipped, saying
 * so; nothing else is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PkiProviderConformance {
  private final String run =
      HexFormat.of()
          .formatHex(
              new byte[] {
                (byte) ThreadLocalRandom.current().nextInt(),
                (byte) ThreadLocalRandom.current().nextInt()
              });

  /** The provider as a CloudHub holds it: trust anchors, server certificates, capabilities. */
  protected abstract PkiProvider provider() throws Exception;

  /**
   * Who signs {@code node}'s CSR. The CloudHub's provider, unless the PKI gives every node its own
   * credential (Vault: a role and token per node).
   */
  protected PkiProvider nodeSigner(NodeName node) throws Exception {
    return provider();
  }

  /**
   * Who signs {@code node}'s CSR after it was blocked and unblocked: {@link #nodeSigner}, unless a
   * block revokes the node's own credential (Vault), when it is the one the device is given anew.
   */
  protected PkiProvider nodeSignerAfterUnblock(NodeName node) throws Exception {
    return nodeSigner(node);
  }

  /**
   * A provider whose PKI policy would give a node certificate server auth (a misconfigured profile
   * or role), if the PKI has such a policy to get wrong; the provider must refuse what it answers.
   * Empty for a PKI that signs exactly what it is asked (the built-in CA).
   */
  protected Optional<PkiProvider> providerWhosePolicyGrantsNodesServerAuth() throws Exception {
    return Optional.empty();
  }

  /** The lifetime node requests ask for; a provider may shorten it, never lengthen it. */
  protected Duration nodeLifetime() {
    return Duration.ofHours(24);
  }

  /** The names the CloudHub's server certificate is asked for; the PKI must allow them. */
  protected SigningRequest serverRequest(Csr csr) throws Exception {
    return SigningRequest.forServer(
        "cloudhub",
        csr,
        List.of("cloudhub.example.test"),
        List.of(InetAddress.getByName("127.0.0.1")),
        Duration.ofHours(24));
  }

  /** A node name no other run used. */
  protected NodeName newNode(String label) {
    return NodeName.of("c" + run + "-" + label);
  }

  // ---- signing ----

  @Test
  public void signNodeCsr_yieldsExactlyTheNodeSubject_clientAuthOnly_noNames() throws Exception {
    NodeName node = newNode("exact");
    KeyPair key = Keys.newP256();
    Instant before = Instant.now();

    IssuedCertificate issued =
        nodeSigner(node).sign(nodeRequest(node, csr(key, "CN=kubeedge.io, O=kubeEdge")));

    X509Certificate cert = issued.certificate();
    assertThat(attributes(cert.getSubjectX500Principal())).isEqualTo(attributes(node.subject()));
    assertThat(NodeName.fromCertificate(cert)).isEqualTo(node);
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CertificateUsage.CLIENT_AUTH.oid());
    assertThat(CertificateUsage.permitsServerAuth(cert)).isFalse();
    assertThat(cert.getSubjectAlternativeNames()).isNullOrEmpty();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertThat(cert.getNotAfter().toInstant())
        .isBefore(before.plus(nodeLifetime()).plus(Duration.ofMinutes(5)));
    assertThat(issued.serial()).isEqualTo(cert.getSerialNumber());
  }

  @Test
  public void signedNodeCertificate_chainsToTheTrustAnchors() throws Exception {
    NodeName node = newNode("chain");
    IssuedCertificate issued =
        nodeSigner(node).sign(nodeRequest(node, csr(Keys.newP256(), "CN=x")));

    List<X509Certificate> anchors = provider().trustAnchors();
    assertThat(anchors).isNotEmpty();
    List<X509Certificate> path = new ArrayList<>();
    path.add(issued.certificate());
    issued.caChain().stream().filter(c -> !anchors.contains(c)).forEach(path::add);
    CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
    PKIXParameters params =
        new PKIXParameters(
            anchors.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet()));
    params.setRevocationEnabled(false);
    // Throws unless the leaf chains to one of the anchors.
    java.security.cert.CertPathValidator.getInstance("PKIX").validate(certPath, params);
  }

  @Test
  public void csrNamingAnotherNodeAndHosts_neverLeaksIntoTheCertificate() throws Exception {
    NodeName node = newNode("foreign");
    NodeName victim = newNode("victim");
    KeyPair key = Keys.newP256();
    Csr foreign =
        csrWithNames(
            key,
            "CN=" + victim.commonName() + ", O=system:masters, OU=evil",
            "cloudhub.example.test",
            "127.0.0.1");

    IssuedCertificate issued;
    try {
      issued = nodeSigner(node).sign(nodeRequest(node, foreign));
    } catch (PkiException refused) {
      // Refusing is as good as ignoring the CSR's names; a PKI that could not be asked is not.
      assertThat(refused.isRetryable()).as(refused.getMessage()).isFalse();
      return;
    }
    X509Certificate cert = issued.certificate();
    assertThat(attributes(cert.getSubjectX500Principal())).isEqualTo(attributes(node.subject()));
    assertThat(cert.getSubjectAlternativeNames()).isNullOrEmpty();
    assertThat(CertificateUsage.permitsServerAuth(cert)).isFalse();
  }

  @Test
  public void nodeRequestWithServerAuthOrNames_cannotEvenBeMade() {
    NodeName node = newNode("server");
    Csr csr = csr(Keys.newP256(), "CN=x");
    assertThatThrownBy(
            () ->
                SigningRequest.forNode(
                    node,
                    csr,
                    Set.of(CertificateUsage.CLIENT_AUTH, CertificateUsage.SERVER_AUTH),
                    nodeLifetime()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new SigningRequest(
                    node.subject(),
                    csr,
                    SigningRequest.NODE_USAGES,
                    List.of("cloudhub.example.test"),
                    List.of(),
                    nodeLifetime()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void signNode_whenThePkiPolicyGrantsServerAuth_isRefused() throws Exception {
    Optional<PkiProvider> misconfigured = providerWhosePolicyGrantsNodesServerAuth();
    assumeTrue(
        misconfigured.isPresent(),
        "this PKI signs exactly the usages asked for: no policy to get wrong");
    NodeName node = newNode("lax");

    PkiException refused =
        catchThrowableOfType(
            PkiException.class,
            () -> misconfigured.get().sign(nodeRequest(node, csr(Keys.newP256(), "CN=x"))));

    assertThat(refused).as("a node certificate with server auth left the provider").isNotNull();
    assertThat(refused.isRetryable()).isFalse();
    assertThat(refused.getMessage()).containsIgnoringCase("server auth");
  }

  @Test
  public void signServerCsr_yieldsServerAuthWithExactlyTheNamesAsked() throws Exception {
    KeyPair key = Keys.newP256();
    SigningRequest request =
        serverRequest(csrWithNames(key, "CN=system:node:intruder", "evil.example.test"));

    X509Certificate cert = provider().sign(request).certificate();

    assertThat(attributes(cert.getSubjectX500Principal())).isEqualTo(attributes(request.subject()));
    assertThat(cert.getExtendedKeyUsage()).contains(CertificateUsage.SERVER_AUTH.oid());
    Set<String> names =
        cert.getSubjectAlternativeNames().stream()
            .map(san -> String.valueOf(san.get(1)))
            .collect(Collectors.toSet());
    Set<String> asked = new java.util.HashSet<>(request.dnsNames());
    request.ipAddresses().forEach(ip -> asked.add(ip.getHostAddress()));
    assertThat(names).isEqualTo(asked);
  }

  // ---- capabilities, where offered ----

  @Test
  public void revokedSerial_isInTheRevocationList_andRevokingTwiceIsFine() throws Exception {
    Optional<Revocation> revocation = provider().revocation();
    assumeTrue(
        revocation.isPresent(),
        provider().name() + " offers no revocation: the CloudHub keeps its own list");
    NodeName node = newNode("revoked");
    IssuedCertificate issued =
        nodeSigner(node).sign(nodeRequest(node, csr(Keys.newP256(), "CN=x")));
    IssuedCertificate kept = nodeSigner(node).sign(nodeRequest(node, csr(Keys.newP256(), "CN=x")));

    revocation.get().revoke(issued.serial());
    revocation.get().revoke(issued.serial());

    var list = revocation.get().revocationList();
    assertThat(list.isRevoked(issued.serial())).isTrue();
    assertThat(list.isRevoked(kept.serial())).isFalse();
  }

  @Test
  public void blockedNode_isRefusedSigning_andUnblockRestoresIt() throws Exception {
    Optional<NodeBlocking> blocking = provider().blocking();
    assumeTrue(
        blocking.isPresent(),
        provider().name() + " offers no blocking: the CloudHub refuses the node itself");
    NodeName node = newNode("blocked");
    PkiProvider signer = nodeSigner(node);
    signer.sign(nodeRequest(node, csr(Keys.newP256(), "CN=x")));

    blocking.get().blockNode(node);
    blocking.get().blockNode(node);

    assertThat(blocking.get().blockedNodes()).contains(node);
    PkiException refused =
        catchThrowableOfType(
            PkiException.class, () -> signer.sign(nodeRequest(node, csr(Keys.newP256(), "CN=x"))));
    assertThat(refused).as("signed for a blocked node").isNotNull();
    assertThat(refused.isRetryable()).isFalse();

    blocking.get().unblockNode(node);

    assertThat(blocking.get().blockedNodes()).doesNotContain(node);
    assertThat(
            NodeName.fromCertificate(
                nodeSignerAfterUnblock(node)
                    .sign(nodeRequest(node, csr(Keys.newP256(), "CN=x")))
                    .certificate()))
        .isEqualTo(node);
  }

  // ---- helpers ----

  protected SigningRequest nodeRequest(NodeName node, Csr csr) {
    return SigningRequest.forNode(node, csr, nodeLifetime());
  }

  protected static Csr csr(KeyPair key, String subject) {
    return Csr.create(key, new X500Principal(subject));
  }

  /** A CSR that also asks for subject alternative names (DNS names, or IPs where they parse). */
  protected static Csr csrWithNames(KeyPair key, String subject, String... names) {
    try {
      List<GeneralName> general = new ArrayList<>();
      for (String name : names) {
        boolean ip = name.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        general.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
      }
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(general.toArray(new GeneralName[0])));
      var builder =
          new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject), key.getPublic())
              .addAttribute(
                  PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      var request =
          builder.build(
              new JcaContentSignerBuilder(Keys.signatureAlgorithm(key.getPrivate()))
                  .build(key.getPrivate()));
      return Csr.parseDer(request.getEncoded());
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A subject's attributes, order-insensitive: PKIs order RDNs differently. */
  protected static Set<String> attributes(X500Principal principal) throws Exception {
    return new LdapName(principal.getName(X500Principal.RFC2253))
        .getRdns().stream().map(Rdn::toString).collect(Collectors.toSet());
  }
}
