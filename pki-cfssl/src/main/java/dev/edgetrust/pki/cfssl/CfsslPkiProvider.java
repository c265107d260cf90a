package dev.edgetrust.pki.cfssl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.AnswerCheck;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.cfssl.api.AuthKey;
import dev.edgetrust.pki.cfssl.api.CfsslClient;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudFlare's CFSSL server ({@code cfssl serve}) as edgetrust's certificate authority.
 *
 * <p>Signs CSRs with {@code /api/v1/cfssl/authsign} (or {@code sign} without an auth key): node
 * requests with the node profile, the CloudHub's own server certificate with the server profile.
 * Each request carries the subject and names the caller decided on, and an empty host list so the
 * CSR's own names are not copied; but CFSSL's profile decides usages and lifetime, and copies CSR
 * subject fields the request leaves empty unless the profile has a CSRWhitelist. So every answer is
 * checked with {@link AnswerCheck} and refused unless it is exactly the certificate asked for.
 *
 * <p>No revocation: CFSSL 1.2.0 can mark a serial revoked in its certificate database ({@code
 * /revoke}) but cannot serve a signed CRL ({@code /gencrl} wants the CA's private key in the
 * request, and {@code /crl} came later), so the CloudHub could never learn the list. Blocking and
 * revocation fall back to the CloudHub's own list.
 */
public final class CfsslPkiProvider implements PkiProvider {
  private static final Logger log = LoggerFactory.getLogger(CfsslPkiProvider.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final CfsslClient client;
  private final Optional<AuthKey> authKey;
  private final String label;
  private final String nodeProfile;
  private final String serverProfile;

  private CfsslPkiProvider(
      CfsslClient client,
      Optional<AuthKey> authKey,
      String label,
      String nodeProfile,
      String serverProfile) {
    this.client = client;
    this.authKey = authKey;
    this.label = label;
    this.nodeProfile = nodeProfile;
    this.serverProfile = serverProfile;
  }

  /** A provider for {@code client}'s server, signing with the named profiles. */
  public static CfsslPkiProvider create(
      CfsslClient client,
      Optional<AuthKey> authKey,
      String label,
      String nodeProfile,
      String serverProfile) {
    return new CfsslPkiProvider(
        Objects.requireNonNull(client, "client"),
        Objects.requireNonNull(authKey, "authKey"),
        Objects.requireNonNull(label, "label"),
        Objects.requireNonNull(nodeProfile, "nodeProfile"),
        Objects.requireNonNull(serverProfile, "serverProfile"));
  }

  /**
   * The provider {@code config} describes; relative paths in it count from {@code base} (the config
   * file's directory). Reads the server CA and the auth key now, so that a missing or
   * group-readable file stops the start with one line naming it.
   */
  public static CfsslPkiProvider fromConfig(CfsslConfig config, Path base)
      throws CredentialFileException {
    List<X509Certificate> serverCa = List.of();
    Optional<Path> caFile = config.serverCaPath(base);
    if (caFile.isPresent()) {
      try {
        serverCa = Pem.parseCertificates(Files.readString(caFile.get()));
      } catch (IOException | IllegalArgumentException e) {
        throw CredentialFileException.stated(
            caFile.get(),
            "cannot read CFSSL's server CA (serverCA) " + caFile.get() + ": " + e.getMessage());
      }
    }
    Optional<AuthKey> key = Optional.empty();
    Optional<Path> keyFile = config.authKeyPath(base);
    if (keyFile.isPresent()) {
      key = Optional.of(AuthKey.read(keyFile.get()));
    }
    return create(
        CfsslClient.connect(config.uri(), serverCa, TIMEOUT),
        key,
        config.label(),
        config.profile(),
        config.serverProfile());
  }

  @Override
  public String name() {
    return "cfssl";
  }

  /**
   * Signs the request's CSR through the node or the server profile, and returns the certificate
   * only if it is exactly what was asked for.
   *
   * @throws PkiException refused if CFSSL refuses or answers with another certificate than asked
   *     for; unavailable if it cannot be reached
   */
  @Override
  public IssuedCertificate sign(SigningRequest request) throws PkiException {
    String profile = NodeName.isNodeSubject(request.subject()) ? nodeProfile : serverProfile;
    X509Certificate ca = caCertificate();
    Instant requestedAt = Instant.now();
    ObjectNode body = CfsslClient.object();
    body.put("certificate_request", request.csr().pem());
    body.put("profile", profile);
    body.put("label", label);
    // Present and empty for a node: CFSSL then puts no names in, instead of copying the CSR's.
    ArrayNode hosts = body.putArray("hosts");
    request.dnsNames().forEach(hosts::add);
    request.ipAddresses().stream().map(InetAddress::getHostAddress).forEach(hosts::add);
    body.set("subject", subject(request.subject()));
    // Newer CFSSL versions honour it; 1.2.0 takes the profile's expiry, which the check below
    // bounds.
    body.put(
        "not_after", requestedAt.plus(request.ttl()).truncatedTo(ChronoUnit.SECONDS).toString());
    JsonNode result =
        authKey.isPresent() ? client.authsign(body, authKey.get()) : client.sign(body);
    X509Certificate certificate = certificate(result, "certificate", "its sign answer");
    Optional<AnswerCheck.Problem> problem = AnswerCheck.find(request, certificate, ca, requestedAt);
    if (problem.isPresent()) {
      throw PkiException.refused(
          "the certificate CFSSL profile '"
              + profile
              + "' returned "
              + problem.get().detail()
              + ": refusing it ("
              + hint(problem.get().mismatch(), profile)
              + ")");
    }
    log.info(
        "CFSSL profile {} issued serial {} to {} until {}",
        profile,
        certificate.getSerialNumber().toString(16),
        certificate.getSubjectX500Principal().getName(),
        certificate.getNotAfter().toInstant());
    return new IssuedCertificate(certificate, List.of(ca));
  }

  private static String hint(AnswerCheck.Mismatch mismatch, String profile) {
    return switch (mismatch) {
      case USAGES ->
          "the usages of profile '"
              + profile
              + "' must be exactly the extended usage asked for,"
              + " e.g. [\"digital signature\", \"key encipherment\", \"client auth\"] for nodes";
      case SUBJECT, SUBJECT_ALT_NAMES ->
          "give profile '"
              + profile
              + "' a CSRWhitelist of PublicKey,"
              + " PublicKeyAlgorithm and SignatureAlgorithm only, so that the CSR's own names are not copied";
      case LIFETIME ->
          "lower the expiry of profile '" + profile + "', or ask for a longer lifetime";
      case CA -> "profile '" + profile + "' must not issue CA certificates (ca_constraint)";
      case SIGNATURE -> "is 'label' the signer that answers /info?";
      case KEY -> "CFSSL signed another key than the CSR's";
    };
  }

  /** The subject as CFSSL's sign request spells it: CN, and the other attributes as names. */
  static ObjectNode subject(X500Principal principal) {
    ObjectNode subject = CfsslClient.object();
    ArrayNode names = subject.putArray("names");
    List<Rdn> rdns;
    try {
      rdns = new LdapName(principal.getName(X500Principal.RFC2253)).getRdns();
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException("unreadable subject " + principal.getName(), e);
    }
    for (Rdn rdn : rdns) {
      String type = rdn.getType().toUpperCase(Locale.ROOT);
      String value = String.valueOf(rdn.getValue());
      switch (type) {
        case "CN" -> subject.put("CN", value);
        case "O", "OU", "C", "ST", "L" -> names.addObject().put(type, value);
        default ->
            throw new IllegalArgumentException(
                "CFSSL's sign request cannot carry the subject attribute "
                    + type
                    + " of "
                    + principal.getName());
      }
    }
    return subject;
  }

  /** The CA certificate CFSSL signs with, from {@code /api/v1/cfssl/info}. */
  @Override
  public List<X509Certificate> trustAnchors() throws PkiException {
    return List.of(caCertificate());
  }

  private X509Certificate caCertificate() throws PkiException {
    X509Certificate ca =
        certificate(client.info(label, nodeProfile), "certificate", "its info answer");
    if (ca.getBasicConstraints() < 0) {
      throw PkiException.refused(
          "the certificate CFSSL "
              + client.address()
              + " names as its CA is not a CA"
              + " certificate: refusing it");
    }
    return ca;
  }

  private X509Certificate certificate(JsonNode result, String field, String what)
      throws PkiException {
    JsonNode pem = result.path(field);
    if (!pem.isTextual() || pem.asText().isBlank()) {
      throw PkiException.refused("CFSSL " + client.address() + " sent no " + field + " in " + what);
    }
    try {
      return Pem.parseCertificates(pem.asText()).get(0);
    } catch (IllegalArgumentException e) {
      throw PkiException.refused(
          "CFSSL "
              + client.address()
              + " sent a "
              + field
              + " in "
              + what
              + " that is not a PEM certificate");
    }
  }

  @Override
  public String toString() {
    return "CfsslPkiProvider["
        + client.address()
        + ", profiles "
        + nodeProfile
        + "/"
        + serverProfile
        + (authKey.isPresent() ? ", authsign" : ", sign")
        + "]";
  }
}
