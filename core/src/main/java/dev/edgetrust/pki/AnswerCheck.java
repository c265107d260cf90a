package dev.edgetrust.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Whether the certificate an external PKI returned is exactly the one a {@link SigningRequest}
 * asked for. An external PKI's answer is input like any other: its policy (a profile, a role)
 * decides usages, names and lifetime, and a policy that grants more than was asked must not turn
 * into a node certificate an edge would take for the CloudHub's.
 *
 * <p>Exact means: the CSR's key; the requested subject attribute for attribute (in any order, and
 * nothing from the CSR's own subject); exactly the requested extended key usages; exactly the
 * requested subject alternative names; not a CA; signed by the issuer named; and no longer-lived
 * than asked, give or take {@link #CLOCK_SKEW}.
 */
public final class AnswerCheck {
  /** How far the PKI's clock may be ahead of ours before its notAfter counts as too late. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** What about an answer is not what was asked; each PKI names the setting that causes it. */
  public enum Mismatch {
    SIGNATURE,
    KEY,
    SUBJECT,
    USAGES,
    SUBJECT_ALT_NAMES,
    CA,
    LIFETIME
  }

  /** One way an answer differs from the request, in words for an operator. */
  public record Problem(Mismatch mismatch, String detail) {}

  private AnswerCheck() {}

  /**
   * The first way {@code certificate} differs from what {@code request} asked for, or empty when it
   * is exactly that.
   *
   * @param issuer the CA that must have signed it
   * @param requestedAt when the request was sent: the lifetime counts from here
   */
  public static Optional<Problem> find(
      SigningRequest request,
      X509Certificate certificate,
      X509Certificate issuer,
      Instant requestedAt) {
    try {
      certificate.verify(issuer.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      return problem(
          Mismatch.SIGNATURE,
          "is not signed by the CA " + issuer.getSubjectX500Principal().getName());
    }
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return problem(
          Mismatch.SIGNATURE,
          "names issuer "
              + certificate.getIssuerX500Principal().getName()
              + ", not the CA "
              + issuer.getSubjectX500Principal().getName());
    }
    if (!Arrays.equals(
        request.csr().publicKey().getEncoded(), certificate.getPublicKey().getEncoded())) {
      return problem(Mismatch.KEY, "is for a different key than the CSR's");
    }
    Set<String> asked = attributes(request.subject());
    Set<String> got = attributes(certificate.getSubjectX500Principal());
    if (!got.equals(asked)) {
      return problem(
          Mismatch.SUBJECT,
          "names "
              + certificate.getSubjectX500Principal().getName()
              + " but "
              + request.subject().getName()
              + " was asked for");
    }
    Set<String> usages;
    try {
      List<String> eku = certificate.getExtendedKeyUsage();
      usages = eku == null ? Set.of() : Set.copyOf(eku);
    } catch (CertificateParsingException e) {
      return problem(Mismatch.USAGES, "has an unreadable extended key usage");
    }
    Set<String> askedUsages =
        request.usages().stream().map(CertificateUsage::oid).collect(Collectors.toSet());
    if (!usages.equals(askedUsages)) {
      return problem(
          Mismatch.USAGES,
          "has extended key usages "
              + usageNames(usages)
              + " but exactly "
              + request.usages()
              + " was asked for");
    }
    Optional<Set<String>> sans = subjectAltNames(certificate);
    if (sans.isEmpty()) {
      return problem(Mismatch.SUBJECT_ALT_NAMES, "has unreadable subject alternative names");
    }
    Set<String> askedSans = new HashSet<>();
    request.dnsNames().forEach(d -> askedSans.add("dns:" + d.toLowerCase(Locale.ROOT)));
    request.ipAddresses().forEach(ip -> askedSans.add("ip:" + ip.getHostAddress()));
    if (!sans.get().equals(askedSans)) {
      return problem(
          Mismatch.SUBJECT_ALT_NAMES,
          "has subject alternative names " + sans.get() + " but " + askedSans + " was asked for");
    }
    if (certificate.getBasicConstraints() >= 0) {
      return problem(Mismatch.CA, "is a CA certificate");
    }
    Instant latest = requestedAt.plus(request.ttl()).plus(CLOCK_SKEW);
    if (certificate.getNotAfter().toInstant().isAfter(latest)) {
      return problem(
          Mismatch.LIFETIME,
          "is valid until "
              + certificate.getNotAfter().toInstant()
              + ", longer than the "
              + request.ttl()
              + " asked for");
    }
    return Optional.empty();
  }

  private static Optional<Problem> problem(Mismatch mismatch, String detail) {
    return Optional.of(new Problem(mismatch, detail));
  }

  /**
   * The subject's attributes as "oid-or-type=value", order-insensitive: PKIs order RDNs
   * differently.
   */
  private static Set<String> attributes(X500Principal principal) {
    try {
      Set<String> out = new HashSet<>();
      for (Rdn rdn : new LdapName(principal.getName(X500Principal.RFC2253)).getRdns()) {
        out.add(rdn.getType().toUpperCase(Locale.ROOT) + "=" + rdn.getValue());
      }
      return out;
    } catch (InvalidNameException e) {
      // The JDK printed it, so it parses; if not, an impossible value never equals a request.
      return Set.of("unparseable=" + principal.getName());
    }
  }

  private static List<String> usageNames(Set<String> oids) {
    return oids.stream()
        .map(
            oid ->
                Arrays.stream(CertificateUsage.values())
                    .filter(u -> u.oid().equals(oid))
                    .map(CertificateUsage::toString)
                    .findFirst()
                    .orElse(oid))
        .sorted()
        .toList();
  }

  private static Optional<Set<String>> subjectAltNames(X509Certificate certificate) {
    Set<String> out = new HashSet<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          String value = String.valueOf(san.get(1));
          switch (type) {
            case 2 -> out.add("dns:" + value.toLowerCase(Locale.ROOT));
            case 7 -> out.add("ip:" + InetAddress.getByName(value).getHostAddress());
            // Any other name (e-mail, URI, ...) was never asked for.
            default -> out.add("type" + type + ":" + value);
          }
        }
      }
    } catch (CertificateParsingException | UnknownHostException e) {
      return Optional.empty();
    }
    return Optional.of(out);
  }
}
