package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Pem;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The TLS certificate auth method: entries that trust a CA (or one certificate) for a set of common
 * names, and a login that takes its proof from the TLS handshake's client certificate.
 */
final class CertMethod implements Backend {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  private final MountEntry mount;
  private final StandInClock clock;
  private final LoginIssuer issuer;
  private final Map<String, Entry> entries = new TreeMap<>();

  /** CRLs by name: Vault keeps only the revoked serials and checks them whatever the issuer. */
  private final Map<String, Set<BigInteger>> crls = new TreeMap<>();

  private record Entry(
      List<X509Certificate> trusted,
      List<String> allowedCommonNames,
      String displayName,
      LoginIssuer.TokenParams token) {}

  CertMethod(MountEntry mount, StandInClock clock, LoginIssuer issuer) {
    this.mount = mount;
    this.clock = clock;
    this.issuer = issuer;
  }

  @Override
  public boolean unauthenticated(Request r, String sub) {
    return sub.equals("login");
  }

  @Override
  public boolean exists(String sub) {
    return !sub.startsWith("certs/") || entries.containsKey(sub.substring(6));
  }

  @Override
  public Reply handle(Request r, String sub, Caller caller) {
    if (sub.equals("login")) {
      if (!r.is(Request.UPDATE)) {
        throw VaultError.unsupportedOperation();
      }
      return login(r);
    }
    if (sub.equals("certs")) {
      if (!r.is(Request.LIST)) {
        throw VaultError.unsupportedOperation();
      }
      if (entries.isEmpty()) {
        throw VaultError.notFound();
      }
      return Reply.data(Json.object().set("keys", Json.array(entries.keySet())));
    }
    if (sub.startsWith("crls/")) {
      return crl(r, sub.substring("crls/".length()));
    }
    if (!sub.startsWith("certs/")) {
      throw VaultError.multi(404, "unsupported path");
    }
    String name = sub.substring("certs/".length());
    switch (r.operation()) {
      case Request.READ -> {
        Entry e = entries.get(name);
        if (e == null) {
          throw VaultError.notFound();
        }
        ObjectNode d = Json.object();
        d.put("certificate", Pem.certificates(e.trusted()));
        d.set("allowed_common_names", Json.array(e.allowedCommonNames()));
        d.put("display_name", e.displayName());
        e.token().describe(d);
        return Reply.data(d);
      }
      case Request.UPDATE -> {
        ObjectNode b = r.body();
        List<X509Certificate> trusted;
        try {
          trusted = Pem.parseCertificates(Json.text(b.get("certificate"), ""));
        } catch (IllegalArgumentException e) {
          throw VaultError.badRequest("failed to parse certificate");
        }
        entries.put(
            name,
            new Entry(
                trusted,
                Json.strings(b.get("allowed_common_names")),
                Json.text(b.get("display_name"), name),
                LoginIssuer.TokenParams.parse(b)));
        return Reply.noContent();
      }
      case Request.DELETE -> {
        entries.remove(name);
        return Reply.noContent();
      }
      default -> throw VaultError.unsupportedOperation();
    }
  }

  private Reply crl(Request r, String name) {
    switch (r.operation()) {
      case Request.READ -> {
        Set<BigInteger> serials = crls.get(name);
        if (serials == null) {
          throw VaultError.notFound();
        }
        ObjectNode d = Json.object();
        ObjectNode bySerial = d.putObject("serials");
        serials.forEach(s -> bySerial.putObject(s.toString()));
        return Reply.data(d);
      }
      case Request.UPDATE -> {
        X509CRL crl;
        try {
          // Java's CertificateFactory reads PEM as well as DER, as Vault does.
          byte[] pem = Json.text(r.body().get("crl"), "").getBytes(StandardCharsets.US_ASCII);
          crl =
              (X509CRL)
                  CertificateFactory.getInstance("X.509")
                      .generateCRL(new ByteArrayInputStream(pem));
        } catch (GeneralSecurityException | RuntimeException e) {
          throw VaultError.badRequest("parsed CRL is nil");
        }
        Set<BigInteger> serials = new TreeSet<>();
        if (crl.getRevokedCertificates() != null) {
          crl.getRevokedCertificates().forEach(e -> serials.add(e.getSerialNumber()));
        }
        crls.put(name, serials);
        return Reply.noContent();
      }
      case Request.DELETE -> {
        crls.remove(name);
        return Reply.noContent();
      }
      default -> throw VaultError.unsupportedOperation();
    }
  }

  private Reply login(Request r) {
    if (r.peerCertificates().isEmpty()) {
      throw VaultError.badRequest("client certificate must be supplied");
    }
    X509Certificate leaf = r.peerCertificates().get(0);
    String requested = Json.text(r.body().get("name"), "");
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (!requested.isEmpty() && !requested.equals(e.getKey())) {
        continue;
      }
      if (trusted(leaf, r.peerCertificates(), e.getValue())) {
        if (revoked(r.peerCertificates())) {
          throw VaultError.badRequest(
              "no chain containing non-revoked certificates could be found for this login"
                  + " certificate");
        }
        String cn =
            NodeName.commonNames(leaf.getSubjectX500Principal()).stream().findFirst().orElse("");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("cert_name", e.getKey());
        metadata.put("common_name", cn);
        metadata.put("serial_number", leaf.getSerialNumber().toString());
        metadata.put("subject_key_id", keyId(leaf, "2.5.29.14"));
        metadata.put("authority_key_id", keyId(leaf, "2.5.29.35"));
        return issuer.login(mount, e.getValue().token(), cn, e.getValue().displayName(), metadata);
      }
    }
    throw VaultError.badRequest("invalid certificate or no client certificate supplied");
  }

  private boolean revoked(List<X509Certificate> presented) {
    return presented.stream()
        .anyMatch(c -> crls.values().stream().anyMatch(s -> s.contains(c.getSerialNumber())));
  }

  private boolean trusted(X509Certificate leaf, List<X509Certificate> presented, Entry entry) {
    Date now = Date.from(clock.instant());
    try {
      leaf.checkValidity(now);
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_USAGE)) {
        return false;
      }
    } catch (GeneralSecurityException e) {
      return false;
    }
    if (!entry.allowedCommonNames().isEmpty()) {
      String cn =
          NodeName.commonNames(leaf.getSubjectX500Principal()).stream().findFirst().orElse("");
      if (entry.allowedCommonNames().stream().noneMatch(p -> glob(p, cn))) {
        return false;
      }
    }
    // The leaf itself is trusted, or it chains (through what the client sent) to a trusted CA.
    X509Certificate current = leaf;
    for (int depth = 0; depth < 5; depth++) {
      for (X509Certificate anchor : entry.trusted()) {
        if (anchor.equals(current) || signedBy(current, anchor, now)) {
          return true;
        }
      }
      X509Certificate next = null;
      for (X509Certificate c : presented) {
        if (c != current && signedBy(current, c, now) && c.getBasicConstraints() >= 0) {
          next = c;
        }
      }
      if (next == null) {
        return false;
      }
      current = next;
    }
    return false;
  }

  private static boolean signedBy(X509Certificate child, X509Certificate issuer, Date now) {
    if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      issuer.checkValidity(now);
      child.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean glob(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
    }
    return value.matches(regex.toString());
  }

  private static String keyId(X509Certificate c, String oid) {
    byte[] ext = c.getExtensionValue(oid);
    if (ext == null) {
      return "";
    }
    try {
      byte[] octets = org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets();
      byte[] id =
          oid.equals("2.5.29.14")
              ? org.bouncycastle.asn1.ASN1OctetString.getInstance(octets).getOctets()
              : keyIdentifier(
                  org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(octets));
      return id == null ? "" : HexFormat.ofDelimiter(":").formatHex(id);
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static byte[] keyIdentifier(org.bouncycastle.asn1.x509.AuthorityKeyIdentifier aki) {
    org.bouncycastle.asn1.ASN1OctetString id = aki.getKeyIdentifierObject();
    return id == null ? null : id.getOctets();
  }
}
