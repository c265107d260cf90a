package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.NodeCredentialChange;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.Revocation;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultDurations;
import dev.edgetrust.pki.vault.http.VaultErrors;
import dev.edgetrust.pki.vault.http.VaultPaths;
import dev.edgetrust.pki.vault.http.VaultResponse;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Pem;
import dev.edgetrust.x509.SerialNumbers;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HashiCorp Vault's PKI secrets engine as edgetrust's certificate authority.
 *
 * <p>Signs CSRs with {@code POST /v1/<mount>/sign/<role>} (the key never leaves the requester), or,
 * as an option, has Vault generate key and certificate with {@code issue/<role>}. Fetches the CA
 * chain, revokes by serial, and fetches the CRL. Uses only API Vault 1.8 already has.
 *
 * <p>Vault's answer is input like any other: the certificate must be for the CSR's key, carry the
 * common name, usages and names asked for, be signed by the issuing CA Vault names, and agree with
 * the serial and expiration Vault reports; otherwise it is refused.
 */
public final class VaultPkiProvider implements PkiProvider, Revocation, NodeBlocking {
  private static final Logger log = LoggerFactory.getLogger(VaultPkiProvider.class);

  private final VaultClient client;
  private final VaultCredential credential;
  private final String mount;
  private final String role;
  private final Optional<VaultEnrollment> nodeControl;

  private VaultPkiProvider(
      VaultClient client,
      VaultCredential credential,
      String mount,
      String role,
      Optional<VaultEnrollment> nodeControl) {
    this.client = client;
    this.credential = credential;
    this.mount = mount;
    this.role = role;
    this.nodeControl = nodeControl;
  }

  /**
   * This provider, able to block and unblock nodes through {@code enrollment} (whose operator
   * credential may manage the mount's roles). Without it, blocking is refused with a message.
   */
  public VaultPkiProvider withNodeControl(VaultEnrollment enrollment) {
    return new VaultPkiProvider(client, credential, mount, role, Optional.of(enrollment));
  }

  @Override
  public Optional<Revocation> revocation() {
    return Optional.of(this);
  }

  /**
   * Offered even without an operator credential: blocking then fails with a message that says how
   * to configure one, and {@link #blockedNodes()} is empty.
   */
  @Override
  public Optional<NodeBlocking> blocking() {
    return Optional.of(this);
  }

  @Override
  public RevocationList revocationList() throws PkiException {
    return RevocationList.fromCrl(crl(), trustAnchors());
  }

  @Override
  public NodeCredentialChange blockNode(NodeName node) throws PkiException {
    return new VaultNodeBlocking(requireNodeControl("block")).blockNode(node);
  }

  @Override
  public NodeCredentialChange unblockNode(NodeName node) throws PkiException {
    return new VaultNodeBlocking(requireNodeControl("unblock")).unblockNode(node);
  }

  @Override
  public Set<NodeName> blockedNodes() throws PkiException {
    return nodeControl.isEmpty()
        ? Set.of()
        : new VaultNodeBlocking(nodeControl.get()).blockedNodes();
  }

  private VaultEnrollment requireNodeControl(String what) throws PkiException {
    return nodeControl.orElseThrow(
        () ->
            PkiException.refused(
                "this CloudHub's Vault provider has no operator credential to "
                    + what
                    + " nodes with; configure one, or "
                    + what
                    + " the node's Vault role directly"));
  }

  /**
   * A provider that signs with {@code role} on the PKI engine mounted at {@code mount}.
   *
   * @throws IllegalArgumentException if the mount or role is not a valid Vault name
   */
  public static VaultPkiProvider create(
      VaultClient client, VaultCredential credential, String mount, String role) {
    return new VaultPkiProvider(
        Objects.requireNonNull(client, "client"),
        Objects.requireNonNull(credential, "credential"),
        VaultPaths.mount(mount, "PKI mount"),
        VaultPaths.name(role, "PKI role"),
        Optional.empty());
  }

  @Override
  public String name() {
    return "vault";
  }

  public String mount() {
    return mount;
  }

  public String role() {
    return role;
  }

  /**
   * Signs the request's CSR with {@code POST <mount>/sign/<role>}.
   *
   * @throws PkiException if Vault refuses, cannot be reached, or answers with a certificate that is
   *     not what was asked for
   */
  @Override
  public IssuedCertificate sign(SigningRequest request) throws PkiException {
    String commonName = commonName(request.subject());
    ObjectNode body = body(commonName, request.dnsNames(), request.ipAddresses(), request.ttl());
    body.put("csr", request.csr().pem());
    String path = mount + "/sign/" + role;
    VaultResponse response = client.write(path, body, credential);
    Answer answer = Answer.parse(response.data(), path);
    check(
        answer,
        path,
        request.csr().publicKey(),
        commonName,
        request.usages(),
        request.dnsNames(),
        request.ipAddresses());
    logIssued(path, answer, response.warnings());
    return new IssuedCertificate(answer.certificate, answer.caChain);
  }

  /**
   * Has Vault generate a key and certificate with {@code POST <mount>/issue/<role>}. The key
   * travels from Vault to this machine in the TLS-protected answer; prefer {@link #sign} where the
   * requester can make a CSR.
   */
  public HeldCertificate issue(IssueRequest request) throws PkiException {
    ObjectNode body =
        body(request.commonName(), request.dnsNames(), request.ipAddresses(), request.ttl());
    // PKCS#8 is what edgetrust writes; Vault 1.8 already supports asking for it.
    body.put("private_key_format", "pkcs8");
    String path = mount + "/issue/" + role;
    VaultResponse response = client.write(path, body, credential);
    Answer answer = Answer.parse(response.data(), path);
    PrivateKey key;
    try {
      key = Pem.parsePrivateKey(answer.data.path("private_key").asText(""));
    } catch (IllegalArgumentException e) {
      throw PkiException.refused(
          "Vault's answer to " + path + " has no usable private_key: " + e.getMessage());
    }
    check(
        answer,
        path,
        null,
        request.commonName(),
        request.usages(),
        request.dnsNames(),
        request.ipAddresses());
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(answer.certificate);
    chain.addAll(answer.caChain);
    HeldCertificate held;
    try {
      held = new HeldCertificate(key, chain);
    } catch (IllegalArgumentException e) {
      throw PkiException.refused("Vault's answer to " + path + ": " + e.getMessage());
    }
    logIssued(path, answer, response.warnings());
    return held;
  }

  private ObjectNode body(
      String commonName, List<String> dnsNames, List<InetAddress> ips, Duration ttl) {
    ObjectNode body = VaultClient.object();
    body.put("common_name", commonName);
    body.put("ttl", VaultDurations.format(ttl));
    body.put("format", "pem");
    // The certificate carries exactly the SANs asked for. A CN such as system:node:x is not a
    // host name: without this, Vault would try to copy it into a DNS SAN and fail its IDNA check.
    body.put("exclude_cn_from_sans", true);
    if (!dnsNames.isEmpty()) {
      body.put("alt_names", String.join(",", dnsNames));
    }
    if (!ips.isEmpty()) {
      body.put(
          "ip_sans",
          ips.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(",")));
    }
    return body;
  }

  private static String commonName(X500Principal subject) {
    List<String> names = NodeName.commonNames(subject);
    if (names.size() != 1) {
      throw new IllegalArgumentException(
          "a Vault signing request needs exactly one CN in its subject, found " + names.size());
    }
    return names.get(0);
  }

  private void logIssued(String path, Answer answer, List<String> warnings) {
    warnings.forEach(w -> log.warn("Vault, on {}: {}", path, w));
    log.info(
        "Vault {} issued serial {} to {} until {}",
        path,
        answer.serialHex,
        answer.certificate.getSubjectX500Principal().getName(),
        answer.certificate.getNotAfter().toInstant());
  }

  /** Refuses an answer that is not the certificate asked for. */
  private static void check(
      Answer answer,
      String path,
      PublicKey expectedKey,
      String commonName,
      Set<CertificateUsage> usages,
      List<String> dnsNames,
      List<InetAddress> ips)
      throws PkiException {
    X509Certificate cert = answer.certificate;
    String refusing = ": refusing it";
    try {
      cert.verify(answer.issuingCa.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw PkiException.refused(
          "the certificate Vault returned from "
              + path
              + " is not signed by the issuing_ca it names"
              + refusing);
    }
    if (expectedKey != null
        && !Arrays.equals(expectedKey.getEncoded(), cert.getPublicKey().getEncoded())) {
      throw PkiException.refused(
          "the certificate Vault returned from "
              + path
              + " is for a different key than the CSR's"
              + refusing);
    }
    List<String> names = NodeName.commonNames(cert.getSubjectX500Principal());
    if (!names.equals(List.of(commonName))) {
      throw PkiException.refused(
          "the certificate Vault returned from "
              + path
              + " names CN "
              + names
              + " but CN "
              + commonName
              + " was asked for"
              + refusing
              + " (does the role set use_csr_common_name=false?)");
    }
    if (!SerialNumbers.parse(answer.serialHex).equals(cert.getSerialNumber())) {
      throw PkiException.refused(
          "Vault's serial_number "
              + answer.serialHex
              + " from "
              + path
              + " is not the certificate's serial"
              + refusing);
    }
    if (answer.expiration.isPresent()) {
      long certNotAfter = cert.getNotAfter().toInstant().getEpochSecond();
      if (Math.abs(answer.expiration.get().getEpochSecond() - certNotAfter) > 1) {
        throw PkiException.refused(
            "Vault's expiration from "
                + path
                + " does not match the certificate's notAfter"
                + refusing);
      }
    }
    List<String> eku;
    try {
      eku = cert.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw PkiException.refused(
          "the certificate Vault returned from "
              + path
              + " has an unreadable key usage"
              + refusing);
    }
    if (eku != null) {
      for (CertificateUsage usage : usages) {
        if (!eku.contains(usage.oid())) {
          String flag = usage == CertificateUsage.CLIENT_AUTH ? "client_flag" : "server_flag";
          throw PkiException.refused(
              "the certificate Vault returned from "
                  + path
                  + " lacks the "
                  + usage
                  + " usage"
                  + refusing
                  + " (set "
                  + flag
                  + "=true on the role)");
        }
      }
    }
    Set<String> sans = subjectAltNames(cert);
    if (NodeName.isNodeSubject(cert.getSubjectX500Principal())
        && (CertificateUsage.permitsServerAuth(cert) || !sans.isEmpty())) {
      // A node certificate an edge or the admin CLI could take for the CloudHub's: whatever the
      // role says, it never leaves this method.
      throw PkiException.refused(
          "the certificate Vault returned from "
              + path
              + " for "
              + commonName
              + " could serve as a server certificate"
              + " (server auth, no usage restriction, or subject alternative names)"
              + refusing
              + " (a node's role needs server_flag=false, client_flag=true and no SANs)");
    }
    for (String dns : dnsNames) {
      if (!sans.contains("dns:" + dns.toLowerCase(Locale.ROOT))) {
        throw PkiException.refused(
            "the certificate Vault returned from " + path + " lacks DNS name " + dns + refusing);
      }
    }
    for (InetAddress ip : ips) {
      if (!sans.contains("ip:" + ip.getHostAddress())) {
        throw PkiException.refused(
            "the certificate Vault returned from "
                + path
                + " lacks IP address "
                + ip.getHostAddress()
                + refusing);
      }
    }
  }

  private static Set<String> subjectAltNames(X509Certificate cert) throws PkiException {
    Set<String> out = new HashSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return out;
      }
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1));
        if (type == 2) {
          out.add("dns:" + value.toLowerCase(Locale.ROOT));
        } else if (type == 7) {
          out.add("ip:" + InetAddress.getByName(value).getHostAddress());
        }
      }
    } catch (CertificateParsingException | java.net.UnknownHostException e) {
      throw PkiException.refused(
          "the certificate Vault returned has unreadable subject alternative names");
    }
    return out;
  }

  /**
   * The CA certificates of the mount, from {@code <mount>/ca_chain}, or {@code <mount>/ca/pem} when
   * the chain is empty (older Vaults leave it empty for a root CA). Unauthenticated, as in Vault.
   */
  @Override
  public List<X509Certificate> trustAnchors() throws PkiException {
    Optional<byte[]> chain = client.readRaw(mount + "/ca_chain");
    List<X509Certificate> certs = chain.map(b -> parseQuietly(b)).orElse(List.of());
    if (certs.isEmpty()) {
      certs = client.readRaw(mount + "/ca/pem").map(b -> parseQuietly(b)).orElse(List.of());
    }
    if (certs.isEmpty()) {
      throw PkiException.refused(
          "Vault's "
              + mount
              + " mount has no CA certificate yet: run 'edgetrust vault setup' (or configure a CA)");
    }
    return certs;
  }

  private static List<X509Certificate> parseQuietly(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      return List.of();
    }
    return Pem.parseCertificates(text);
  }

  /**
   * Revokes a certificate with {@code POST <mount>/revoke}; Vault adds it to the CRL at once.
   *
   * @return when Vault recorded the revocation
   */
  @Override
  public Instant revoke(BigInteger serial) throws PkiException {
    Instant at = revokeOnly(serial);
    publishCrlToCertAuth();
    return at;
  }

  private Instant revokeOnly(BigInteger serial) throws PkiException {
    ObjectNode body = VaultClient.object();
    body.put("serial_number", SerialNumbers.toColonHex(serial));
    VaultResponse response = client.write(mount + "/revoke", body, credential);
    JsonNode time = response.data().path("revocation_time");
    Instant at = time.canConvertToLong() ? Instant.ofEpochSecond(time.asLong()) : Instant.now();
    log.info("Vault revoked serial {} at {}", SerialNumbers.toColonHex(serial), at);
    response.warnings().forEach(w -> log.warn("Vault, on {}/revoke: {}", mount, w));
    return at;
  }

  /** Revokes them all, then gives the cert auth method the new CRL once. */
  @Override
  public Map<BigInteger, PkiException> revokeAll(Collection<BigInteger> serials) {
    Map<BigInteger, PkiException> failed = new LinkedHashMap<>();
    for (BigInteger serial : serials) {
      try {
        revokeOnly(serial);
      } catch (PkiException e) {
        failed.put(serial, e);
      }
    }
    if (failed.size() < serials.size()) {
      publishCrlToCertAuth();
    }
    return failed;
  }

  /**
   * After a revocation: a certificate revoked in the PKI must not log in with cert auth either.
   * Needs the node-control credential; a failure is logged (the revocation itself stands, and the
   * next one publishes again).
   */
  private void publishCrlToCertAuth() {
    if (nodeControl.isEmpty()) {
      return;
    }
    VaultEnrollment e = nodeControl.get();
    try {
      CertAuthCrl.publish(client, e.operator(), e.records(), mount)
          .ifPresent(at -> log.info("gave Vault's {} the CRL of {}", at, mount));
    } catch (PkiException ex) {
      log.warn(
          "cannot give Vault's cert auth method the new CRL of {}: {}; a revoked certificate can"
              + " still log in there until the next revocation publishes it",
          mount,
          ex.getMessage());
    }
  }

  /**
   * The mount's current CRL from {@code <mount>/crl} (DER, unauthenticated), checked against the
   * mount's CA certificates.
   */
  public X509CRL crl() throws PkiException {
    byte[] der =
        client
            .readRaw(mount + "/crl")
            .orElseThrow(
                () ->
                    PkiException.refused(
                        "Vault's " + mount + " mount has no CRL (is a CA configured?)"));
    X509CRL crl;
    try {
      crl =
          (X509CRL)
              CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw PkiException.refused("Vault's " + mount + "/crl is not a DER CRL");
    }
    for (X509Certificate ca : trustAnchors()) {
      if (ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        try {
          crl.verify(ca.getPublicKey());
          return crl;
        } catch (GeneralSecurityException e) {
          // Another CA of the same name may have signed it; keep looking.
        }
      }
    }
    throw PkiException.refused(
        "Vault's " + mount + "/crl is not signed by the mount's CA: refusing it");
  }

  @Override
  public String toString() {
    return "VaultPkiProvider["
        + client.connection().address()
        + ", "
        + mount
        + "/sign/"
        + role
        + "]";
  }

  /** The parts of a sign/issue answer, parsed. */
  private static final class Answer {
    final JsonNode data;
    final X509Certificate certificate;
    final X509Certificate issuingCa;
    final List<X509Certificate> caChain;
    final String serialHex;
    final Optional<Instant> expiration;

    private Answer(
        JsonNode data,
        X509Certificate certificate,
        X509Certificate issuingCa,
        List<X509Certificate> caChain,
        String serialHex,
        Optional<Instant> expiration) {
      this.data = data;
      this.certificate = certificate;
      this.issuingCa = issuingCa;
      this.caChain = caChain;
      this.serialHex = serialHex;
      this.expiration = expiration;
    }

    static Answer parse(JsonNode data, String path) throws PkiException {
      String what = "Vault's answer to " + path;
      X509Certificate certificate = onePem(data.path("certificate"), what + ": certificate");
      X509Certificate issuing = onePem(data.path("issuing_ca"), what + ": issuing_ca");
      List<X509Certificate> chain = new ArrayList<>();
      JsonNode caChain = data.path("ca_chain");
      if (caChain.isArray()) {
        for (JsonNode pem : caChain) {
          try {
            chain.addAll(Pem.parseCertificates(pem.asText()));
          } catch (IllegalArgumentException e) {
            throw PkiException.refused(
                what + ": ca_chain holds something that is not a certificate");
          }
        }
      }
      if (chain.isEmpty()) {
        chain.add(issuing);
      }
      if (!chain.get(0).equals(issuing)) {
        chain.add(0, issuing);
      }
      String serial = data.path("serial_number").asText("");
      try {
        SerialNumbers.parse(serial);
      } catch (IllegalArgumentException e) {
        throw PkiException.refused(
            what
                + ": serial_number '"
                + VaultErrors.printable(serial)
                + "' is not a serial number");
      }
      Optional<Instant> expiration = Optional.empty();
      if (!data.path("expiration").isMissingNode() && !data.path("expiration").isNull()) {
        try {
          expiration = Optional.of(VaultExpiration.parse(data.path("expiration")));
        } catch (IllegalArgumentException e) {
          throw PkiException.refused(what + ": " + e.getMessage());
        }
      }
      return new Answer(data, certificate, issuing, List.copyOf(chain), serial, expiration);
    }

    private static X509Certificate onePem(JsonNode node, String what) throws PkiException {
      if (!node.isTextual() || node.asText().isBlank()) {
        throw PkiException.refused(what + " is missing");
      }
      try {
        return Pem.parseCertificates(node.asText()).get(0);
      } catch (IllegalArgumentException e) {
        throw PkiException.refused(what + " is not a PEM certificate");
      }
    }
  }
}
