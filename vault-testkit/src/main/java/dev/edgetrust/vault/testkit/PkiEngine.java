package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.x509.Pem;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The PKI secrets engine on one mount, following Vault 1.8's documented API: root generation and CA
 * import, URLs, roles with their name rules, sign and issue, revoke, CRL, and the unauthenticated
 * CA/CRL paths.
 */
final class PkiEngine implements Backend {
  /** Vault's hostname check, applied when a role enforces host names. */
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])$");

  private final MountEntry mount;
  private final StandInClock clock;

  private X509Certificate ca;
  private PrivateKey caKey;
  private List<X509Certificate> caChain = List.of();
  private final Map<String, PkiRoleSpec> roles = new TreeMap<>();
  private final Map<BigInteger, X509Certificate> issued = new LinkedHashMap<>();
  private final Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
  private List<String> issuingUrls = List.of();
  private List<String> crlUrls = List.of();
  private List<String> ocspUrls = List.of();
  private Duration crlExpiry = Duration.ofHours(72);
  private BigInteger crlNumber = BigInteger.ZERO;
  private X509CRL crl;

  PkiEngine(MountEntry mount, StandInClock clock) {
    this.mount = mount;
    this.clock = clock;
  }

  @Override
  public boolean unauthenticated(Request r, String sub) {
    return r.is(Request.READ)
        && (sub.equals("ca")
            || sub.equals("ca/pem")
            || sub.equals("ca_chain")
            || sub.equals("crl")
            || sub.equals("crl/pem")
            || sub.startsWith("cert/"));
  }

  @Override
  public boolean exists(String sub) {
    if (sub.startsWith("roles/")) {
      return roles.containsKey(sub.substring("roles/".length()));
    }
    return true;
  }

  @Override
  public Reply handle(Request r, String sub, Caller caller) {
    String op = r.operation();
    switch (sub) {
      case "ca":
        return read(
            op, () -> ca == null ? Reply.noContent() : Reply.raw("application/pkix-cert", der(ca)));
      case "ca/pem":
        return read(
            op,
            () ->
                ca == null
                    ? Reply.noContent()
                    : Reply.text("application/pkix-cert", Pem.certificate(ca)));
      case "ca_chain":
        // Vault 1.8 answers 204 with an empty body when the CA was generated without a chain.
        return read(
            op,
            () ->
                caChain.isEmpty()
                    ? Reply.noContent()
                    : Reply.text("application/pkix-cert", Pem.certificates(caChain)));
      case "crl":
        return read(
            op, () -> ca == null ? Reply.noContent() : Reply.raw("application/pkix-crl", crlDer()));
      case "crl/pem":
        return read(
            op,
            () ->
                ca == null
                    ? Reply.noContent()
                    : Reply.text("application/pkix-crl", Pem.encode("X509 CRL", crlDer())));
      case "crl/rotate":
        return read(
            op,
            () -> {
              requireCa();
              crl = null;
              return Reply.data(Json.object().put("success", true));
            });
      case "certs":
        if (!r.is(Request.LIST)) {
          throw VaultError.unsupportedOperation();
        }
        List<String> keys = new ArrayList<>();
        issued.keySet().forEach(s -> keys.add(SerialNumbers.toColonHex(s)));
        if (keys.isEmpty()) {
          throw VaultError.notFound();
        }
        return Reply.data(Json.object().set("keys", Json.array(keys)));
      case "config/ca":
        return write(op, () -> importCa(r.body()));
      case "config/urls":
        return urls(r);
      case "config/crl":
        return crlConfig(r);
      case "root":
        if (!r.is(Request.DELETE)) {
          throw VaultError.unsupportedOperation();
        }
        ca = null;
        caKey = null;
        caChain = List.of();
        crl = null;
        return Reply.noContent();
      case "root/generate/internal":
      case "root/generate/exported":
        return write(op, () -> generateRoot(r.body(), sub.endsWith("exported")));
      case "revoke":
        return write(op, () -> revoke(r.body()));
      case "roles":
        if (!r.is(Request.LIST)) {
          throw VaultError.unsupportedOperation();
        }
        if (roles.isEmpty()) {
          throw VaultError.notFound();
        }
        return Reply.data(Json.object().set("keys", Json.array(roles.keySet())));
      default:
        break;
    }
    if (sub.startsWith("roles/")) {
      return role(r, sub.substring("roles/".length()));
    }
    if (sub.startsWith("sign/")) {
      return write(op, () -> generate(r, sub.substring("sign/".length()), caller, true));
    }
    if (sub.startsWith("issue/")) {
      return write(op, () -> generate(r, sub.substring("issue/".length()), caller, false));
    }
    if (sub.startsWith("cert/")) {
      return read(op, () -> fetchCert(sub.substring("cert/".length())));
    }
    throw VaultError.multi(404, "unsupported path");
  }

  private interface Action {
    Reply run();
  }

  private static Reply read(String op, Action a) {
    if (!op.equals(Request.READ)) {
      throw VaultError.unsupportedOperation();
    }
    return a.run();
  }

  private static Reply write(String op, Action a) {
    if (!op.equals(Request.UPDATE)) {
      throw VaultError.unsupportedOperation();
    }
    return a.run();
  }

  private void requireCa() {
    if (ca == null) {
      throw VaultError.badRequest("backend must be configured with a CA certificate/key");
    }
  }

  private static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- CA ---------------------------------------------------------------------------------

  private Reply generateRoot(ObjectNode b, boolean exported) {
    if (ca != null) {
      // Vault from 0.8.1 to 1.10 keeps an existing CA and answers 204.
      return Reply.noContent();
    }
    String cn = Json.text(b.get("common_name"), "");
    if (cn.isEmpty()) {
      throw VaultError.badRequest("the common_name field is required");
    }
    String keyType = Json.text(b.get("key_type"), "rsa");
    int bits = Json.integer(b.get("key_bits"), "key_bits", 0);
    if (!keyType.equals("rsa") && !keyType.equals("ec")) {
      throw VaultError.badRequest("unknown key type: " + keyType);
    }
    if (bits == 0) {
      bits = keyType.equals("ec") ? 256 : 2048;
    }
    List<String> warnings = new ArrayList<>();
    Duration ttl = GoDurations.parse(b.get("ttl"), "ttl");
    if (ttl.isZero()) {
      ttl = mount.effectiveDefault();
    }
    ttl = capped(ttl, mount.effectiveMax(), warnings);
    Instant now = clock.instant();
    KeyPair key = X509.newKey(keyType, bits);
    X500Name subject =
        subject(
            cn,
            Json.strings(b.get("organization")),
            Json.strings(b.get("ou")),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of());
    List<String> dns = new ArrayList<>(Json.strings(b.get("alt_names")));
    if (!Json.bool(b.get("exclude_cn_from_sans"), "exclude_cn_from_sans", false)
        && HOSTNAME.matcher(cn).matches()) {
      dns.add(0, cn);
    }
    X509.Profile profile =
        new X509.Profile(
            true,
            KeyUsage.keyCertSign | KeyUsage.cRLSign,
            List.of(),
            dns,
            List.of(),
            ips(Json.strings(b.get("ip_sans"))),
            List.of(),
            crlUrls,
            issuingUrls,
            ocspUrls,
            false);
    X509Certificate root =
        X509.certificate(
            subject,
            key.getPrivate(),
            null,
            subject,
            key.getPublic(),
            X509.newSerial(),
            now.minusSeconds(30),
            now.plus(ttl),
            profile);
    setCa(root, key.getPrivate(), List.of(root));
    issued.put(root.getSerialNumber(), root);
    ObjectNode d = Json.object();
    d.put("certificate", Pem.certificate(root));
    d.put("issuing_ca", Pem.certificate(root));
    d.put("serial_number", SerialNumbers.toColonHex(root.getSerialNumber()));
    d.put("expiration", root.getNotAfter().toInstant().getEpochSecond());
    if (exported) {
      d.put("private_key", privateKeyPem(key.getPrivate(), false));
      d.put("private_key_type", keyType);
    }
    return Reply.data(d, warnings);
  }

  private void setCa(X509Certificate cert, PrivateKey key, List<X509Certificate> chain) {
    ca = cert;
    caKey = key;
    caChain = List.copyOf(chain);
    crl = null;
  }

  private Reply importCa(ObjectNode b) {
    String bundle = Json.text(b.get("pem_bundle"), "");
    if (bundle.isBlank()) {
      throw VaultError.badRequest("'pem_bundle' must be a string and must not be empty");
    }
    PrivateKey key = null;
    List<X509Certificate> certs = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(bundle))) {
      Object o;
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair pair) {
          key = converter.getKeyPair(pair).getPrivate();
        } else if (o instanceof PrivateKeyInfo info) {
          key = converter.getPrivateKey(info);
        } else if (o instanceof X509CertificateHolder holder) {
          certs.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
      }
    } catch (IOException | java.security.cert.CertificateException e) {
      throw VaultError.badRequest("error parsing PEM bundle: " + e.getMessage());
    }
    if (key == null) {
      throw VaultError.badRequest("private key not found in the PEM bundle");
    }
    if (certs.isEmpty()) {
      throw VaultError.badRequest("no certificate found in the PEM bundle");
    }
    X509Certificate match = null;
    for (X509Certificate c : certs) {
      if (dev.edgetrust.x509.Certificates.matches(key, c)) {
        match = c;
      }
    }
    if (match == null) {
      throw VaultError.badRequest(
          "the private key does not match any certificate in the PEM bundle");
    }
    if (match.getBasicConstraints() < 0) {
      throw VaultError.badRequest(
          "the given certificate is not marked for CA use and cannot be used with this backend");
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(match);
    X509Certificate current = match;
    while (!current.getIssuerX500Principal().equals(current.getSubjectX500Principal())) {
      X509Certificate parent = null;
      for (X509Certificate c : certs) {
        if (c != current && c.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
          parent = c;
        }
      }
      if (parent == null || chain.contains(parent)) {
        break;
      }
      chain.add(parent);
      current = parent;
    }
    setCa(match, key, chain);
    return Reply.noContent();
  }

  private Reply urls(Request r) {
    if (r.is(Request.READ)) {
      ObjectNode d = Json.object();
      d.set("issuing_certificates", Json.array(issuingUrls));
      d.set("crl_distribution_points", Json.array(crlUrls));
      d.set("ocsp_servers", Json.array(ocspUrls));
      return Reply.data(d);
    }
    if (!r.is(Request.UPDATE)) {
      throw VaultError.unsupportedOperation();
    }
    ObjectNode b = r.body();
    if (b.has("issuing_certificates")) {
      issuingUrls =
          checkedUrls(Json.strings(b.get("issuing_certificates")), "issuing_certificates");
    }
    if (b.has("crl_distribution_points")) {
      crlUrls =
          checkedUrls(Json.strings(b.get("crl_distribution_points")), "crl_distribution_points");
    }
    if (b.has("ocsp_servers")) {
      ocspUrls = checkedUrls(Json.strings(b.get("ocsp_servers")), "ocsp_servers");
    }
    return Reply.noContent();
  }

  private static List<String> checkedUrls(List<String> urls, String field) {
    for (String u : urls) {
      try {
        URI uri = new URI(u);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new java.net.URISyntaxException(u, "not absolute");
        }
      } catch (java.net.URISyntaxException e) {
        throw VaultError.badRequest("invalid URL found in " + field + ": " + u);
      }
    }
    return List.copyOf(urls);
  }

  private Reply crlConfig(Request r) {
    if (r.is(Request.READ)) {
      return Reply.data(
          Json.object().put("expiry", GoDurations.format(crlExpiry)).put("disable", false));
    }
    if (!r.is(Request.UPDATE)) {
      throw VaultError.unsupportedOperation();
    }
    if (r.body().has("expiry")) {
      crlExpiry = GoDurations.parse(r.body().get("expiry"), "expiry");
      crl = null;
    }
    return Reply.noContent();
  }

  // ---- roles ------------------------------------------------------------------------------

  private Reply role(Request r, String name) {
    switch (r.operation()) {
      case Request.READ -> {
        PkiRoleSpec role = roles.get(name);
        if (role == null) {
          throw VaultError.notFound();
        }
        return Reply.data(role.data());
      }
      case Request.UPDATE -> {
        List<String> warnings = new ArrayList<>();
        roles.put(name, PkiRoleSpec.parse(r.body(), warnings));
        return warnings.isEmpty() ? Reply.noContent() : Reply.data(null, warnings);
      }
      case Request.DELETE -> {
        roles.remove(name);
        return Reply.noContent();
      }
      default -> throw VaultError.unsupportedOperation();
    }
  }

  // ---- sign and issue ---------------------------------------------------------------------

  private Reply generate(Request r, String roleName, Caller caller, boolean sign) {
    PkiRoleSpec role = roles.get(roleName);
    if (role == null) {
      throw VaultError.badRequest("unknown role: " + roleName);
    }
    requireCa();
    ObjectNode b = r.body();
    List<String> warnings = new ArrayList<>();
    JcaPKCS10CertificationRequest csr = null;
    PublicKey publicKey;
    KeyPair generated = null;
    if (sign) {
      csr = csr(Json.text(b.get("csr"), ""));
      try {
        publicKey = csr.getPublicKey();
      } catch (Exception e) {
        throw VaultError.badRequest("certificate request could not be parsed: " + e.getMessage());
      }
      checkKey(role, publicKey);
    } else {
      if (role.keyType.equals("any")) {
        throw VaultError.badRequest(
            "role key type \"any\" not allowed for issuing certificates, only signing");
      }
      generated = X509.newKey(role.keyType, role.keyBits);
      publicKey = generated.getPublic();
    }

    // Names: the CN from the CSR or the request, SANs likewise, as the role says.
    String cn = "";
    if (csr != null && role.useCsrCommonName) {
      cn = firstCommonName(csr.getSubject());
    }
    if (cn.isEmpty()) {
      cn = Json.text(b.get("common_name"), "");
      if (cn.isEmpty() && role.requireCn) {
        throw VaultError.badRequest(
            "the common_name field is required, or must be provided in a CSR with \"use_csr_common_name\" set to true, unless \"require_cn\" is set to false");
      }
    }
    List<String> dns = new ArrayList<>();
    List<String> emails = new ArrayList<>();
    List<String> ipTexts = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    if (csr != null && role.useCsrSans) {
      csrSans(csr, dns, emails, ipTexts, uris);
    } else {
      for (String name : Json.strings(b.get("alt_names"))) {
        (name.contains("@") ? emails : dns).add(name);
      }
      ipTexts.addAll(Json.strings(b.get("ip_sans")));
      uris.addAll(Json.strings(b.get("uri_sans")));
    }
    if (!Json.strings(b.get("other_sans")).isEmpty()) {
      throw VaultError.badRequest("the Vault stand-in does not support other_sans");
    }
    if (!cn.isEmpty() && !Json.bool(b.get("exclude_cn_from_sans"), "exclude_cn_from_sans", false)) {
      if (cn.contains("@")) {
        emails.add(cn);
      } else {
        idna(cn);
        if (HOSTNAME.matcher(cn).matches()) {
          dns.add(cn);
        }
      }
    }
    if (!cn.isEmpty()) {
      String bad = badName(role, List.of(cn), caller);
      if (bad != null) {
        throw VaultError.badRequest("common name " + bad + " not allowed by this role");
      }
    }
    List<String> sanNames = new ArrayList<>(dns);
    sanNames.addAll(emails);
    String badSan = badName(role, sanNames, caller);
    if (badSan != null) {
      throw VaultError.badRequest("subject alternate name " + badSan + " not allowed by this role");
    }
    if (!ipTexts.isEmpty() && !role.allowIpSans) {
      throw VaultError.badRequest(
          "IP Subject Alternative Names are not allowed in this role, but was provided "
              + String.join(",", ipTexts));
    }
    List<InetAddress> ips = ips(ipTexts);
    for (String uri : uris) {
      boolean ok = role.allowedUriSans.stream().anyMatch(p -> glob(p, uri));
      if (!ok) {
        throw VaultError.badRequest(
            "URI Subject Alternative Names are not allowed in this role, but were provided " + uri);
      }
    }

    // Lifetime: the request's TTL, else the role's, else the mount's; capped at the role's max.
    Instant now = clock.instant();
    Duration ttl = GoDurations.parse(b.get("ttl"), "ttl");
    String notAfterText = Json.text(b.get("not_after"), "");
    if (!ttl.isZero() && !notAfterText.isEmpty()) {
      throw VaultError.badRequest(
          "Either ttl or not_after should be provided. Both should not be provided in the same request.");
    }
    if (ttl.isZero() && !role.ttl.isZero()) {
      ttl = role.ttl;
    }
    Duration maxTtl = role.maxTtl.isZero() ? mount.effectiveMax() : role.maxTtl;
    if (ttl.isZero()) {
      ttl = mount.effectiveDefault();
    }
    ttl = capped(ttl, maxTtl, warnings);
    Instant notAfter;
    if (!notAfterText.isEmpty()) {
      try {
        notAfter = Instant.parse(notAfterText);
      } catch (java.time.format.DateTimeParseException e) {
        throw VaultError.badRequest("parsing time \"" + notAfterText + "\": invalid RFC3339 time");
      }
    } else {
      notAfter = now.plus(ttl);
    }
    if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
      throw VaultError.badRequest(
          "cannot satisfy request, as TTL would result in notAfter "
              + DateTimeFormatter.ISO_INSTANT.format(notAfter)
              + " that is beyond the expiration of the CA certificate at "
              + DateTimeFormatter.ISO_INSTANT.format(ca.getNotAfter().toInstant()));
    }

    X500Name subject =
        subject(
            cn,
            role.organization,
            role.ou,
            role.country,
            role.locality,
            role.province,
            role.streetAddress,
            role.postalCode);
    X509.Profile profile =
        new X509.Profile(
            false,
            keyUsage(role.keyUsage),
            extendedKeyUsages(role),
            dns,
            emails,
            ips,
            uris,
            crlUrls,
            issuingUrls,
            ocspUrls,
            role.basicConstraintsValidForNonCa);
    BigInteger serial = X509.newSerial();
    X509Certificate cert =
        X509.certificate(
            X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
            caKey,
            ca,
            subject,
            publicKey,
            serial,
            now.minus(role.notBeforeDuration),
            notAfter,
            profile);
    if (!role.noStore) {
      issued.put(serial, cert);
    }

    String format = Json.text(b.get("format"), "pem");
    ObjectNode d = Json.object();
    List<String> chainText = new ArrayList<>();
    switch (format) {
      case "pem", "pem_bundle" -> {
        d.put("certificate", Pem.certificate(cert).strip());
        d.put("issuing_ca", Pem.certificate(ca).strip());
        caChain.forEach(c -> chainText.add(Pem.certificate(c).strip()));
      }
      case "der" -> {
        d.put("certificate", Base64.getEncoder().encodeToString(der(cert)));
        d.put("issuing_ca", Base64.getEncoder().encodeToString(der(ca)));
        caChain.forEach(c -> chainText.add(Base64.getEncoder().encodeToString(der(c))));
      }
      default -> throw VaultError.badRequest("unknown format \"" + format + "\"");
    }
    d.set("ca_chain", Json.array(chainText));
    d.put("serial_number", SerialNumbers.toColonHex(serial));
    d.put("expiration", cert.getNotAfter().toInstant().getEpochSecond());
    if (generated != null) {
      boolean pkcs8 = Json.text(b.get("private_key_format"), "der").equals("pkcs8");
      d.put("private_key", privateKeyPem(generated.getPrivate(), pkcs8));
      d.put("private_key_type", role.keyType);
    }
    return Reply.data(d, warnings);
  }

  private static Duration capped(Duration ttl, Duration max, List<String> warnings) {
    if (ttl.compareTo(max) > 0) {
      warnings.add(
          "TTL \""
              + GoDurations.format(ttl)
              + "\" is longer than permitted maxTTL \""
              + GoDurations.format(max)
              + "\", so maxTTL is being used");
      return max;
    }
    return ttl;
  }

  private static JcaPKCS10CertificationRequest csr(String pem) {
    if (pem.isBlank()) {
      throw VaultError.badRequest("\"csr\" is empty");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!(o instanceof PKCS10CertificationRequest request)) {
        throw VaultError.badRequest("csr contains no data");
      }
      JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(request);
      if (!csr.isSignatureValid(
          new JcaContentVerifierProviderBuilder().build(csr.getPublicKey()))) {
        throw VaultError.badRequest("request signature invalid");
      }
      return csr;
    } catch (VaultError e) {
      throw e;
    } catch (Exception e) {
      throw VaultError.badRequest("certificate request could not be parsed: " + e.getMessage());
    }
  }

  private static void checkKey(PkiRoleSpec role, PublicKey key) {
    if (role.keyType.equals("any")) {
      return;
    }
    String actual = X509.keyType(key);
    if (!actual.equals(role.keyType)) {
      throw VaultError.badRequest("role requires keys of type " + role.keyType);
    }
    int bits = X509.keyBits(key);
    if (role.keyType.equals("ec") && bits != role.keyBits) {
      throw VaultError.badRequest(
          "role requires a minimum of a "
              + role.keyBits
              + "-bit key, but CSR's key is "
              + bits
              + " bits");
    }
    if (role.keyType.equals("rsa") && bits < role.keyBits) {
      throw VaultError.badRequest(
          "role requires a minimum of a "
              + role.keyBits
              + "-bit key, but CSR's key is "
              + bits
              + " bits");
    }
  }

  private static String firstCommonName(X500Name subject) {
    var rdns = subject.getRDNs(BCStyle.CN);
    return rdns.length == 0 ? "" : rdns[0].getFirst().getValue().toString();
  }

  private static void csrSans(
      JcaPKCS10CertificationRequest csr,
      List<String> dns,
      List<String> emails,
      List<String> ips,
      List<String> uris) {
    for (var attribute :
        csr.getAttributes(
            org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      var extensions =
          org.bouncycastle.asn1.x509.Extensions.getInstance(
              attribute.getAttrValues().getObjectAt(0));
      GeneralNames names =
          GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (names == null) {
        continue;
      }
      for (GeneralName n : names.getNames()) {
        switch (n.getTagNo()) {
          case GeneralName.dNSName -> dns.add(n.getName().toString());
          case GeneralName.rfc822Name -> emails.add(n.getName().toString());
          case GeneralName.uniformResourceIdentifier -> uris.add(n.getName().toString());
          case GeneralName.iPAddress -> {
            try {
              ips.add(
                  InetAddress.getByAddress(
                          org.bouncycastle.asn1.DEROctetString.getInstance(n.getName()).getOctets())
                      .getHostAddress());
            } catch (UnknownHostException e) {
              throw VaultError.badRequest("invalid IP SAN in CSR");
            }
          }
          default -> {}
        }
      }
    }
  }

  /**
   * Go's idna ToASCII with StrictDomainName: only letters, digits, '-', '.' (and '*' wildcards).
   */
  private static void idna(String cn) {
    for (int i = 0; i < cn.length(); i++) {
      char c = cn.charAt(i);
      boolean ok = c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '*');
      if (!ok) {
        throw VaultError.badRequest(
            String.format(Locale.ROOT, "idna: disallowed rune U+%04X", (int) c));
      }
    }
  }

  /** Vault's validateNames: the first name the role does not allow, or null if it allows all. */
  private static String badName(PkiRoleSpec role, List<String> names, Caller caller) {
    for (String name : names) {
      String reduced = name;
      String emailDomain = name;
      boolean isEmail = false;
      boolean isWildcard = false;
      if (reduced.contains("@")) {
        String[] parts = reduced.split("@", -1);
        if (parts.length != 2) {
          return name;
        }
        reduced = parts[1];
        emailDomain = parts[1];
        isEmail = true;
      }
      if (reduced.startsWith("*.")) {
        reduced = reduced.substring(2);
        isWildcard = true;
      }
      if (role.enforceHostnames && !reduced.isEmpty() && !HOSTNAME.matcher(reduced).matches()) {
        return name;
      }
      if (role.allowAnyName) {
        continue;
      }
      if (role.allowLocalhost) {
        if (reduced.equals("localhost") || reduced.equals("localdomain")) {
          continue;
        }
        if (role.allowSubdomains
            && (reduced.endsWith(".localhost") || reduced.endsWith(".localdomain"))) {
          continue;
        }
      }
      boolean valid = false;
      for (String domain : role.allowedDomains) {
        String d = domain;
        if (d.isEmpty()) {
          continue;
        }
        if (role.allowedDomainsTemplate && Identity.isTemplate(d)) {
          Optional<String> filled = Identity.populate(d, caller == null ? null : caller.entity());
          if (filled.isEmpty()) {
            continue;
          }
          d = filled.get();
        }
        if (role.allowBareDomains
            && (name.equalsIgnoreCase(d) || isEmail && emailDomain.equalsIgnoreCase(d))) {
          valid = true;
          break;
        }
        if (role.allowSubdomains
            && (reduced.endsWith("." + d) || isWildcard && reduced.equalsIgnoreCase(d))) {
          valid = true;
          break;
        }
        if (role.allowGlobDomains && d.contains("*") && glob(d, name)) {
          valid = true;
          break;
        }
      }
      if (!valid) {
        return name;
      }
    }
    return null;
  }

  private static boolean glob(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
    }
    return value.matches(regex.toString());
  }

  private static List<InetAddress> ips(List<String> texts) {
    List<InetAddress> out = new ArrayList<>();
    for (String t : texts) {
      if (!t.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
        throw VaultError.badRequest("the value \"" + t + "\" is not a valid IP address");
      }
      try {
        out.add(InetAddress.getByName(t));
      } catch (UnknownHostException e) {
        throw VaultError.badRequest("the value \"" + t + "\" is not a valid IP address");
      }
    }
    return out;
  }

  private static X500Name subject(
      String cn,
      List<String> o,
      List<String> ou,
      List<String> c,
      List<String> l,
      List<String> st,
      List<String> street,
      List<String> postal) {
    // Go's pkix.Name order: C, O, OU, L, ST, street, postal code, CN.
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    c.forEach(v -> b.addRDN(BCStyle.C, v));
    o.forEach(v -> b.addRDN(BCStyle.O, v));
    ou.forEach(v -> b.addRDN(BCStyle.OU, v));
    l.forEach(v -> b.addRDN(BCStyle.L, v));
    st.forEach(v -> b.addRDN(BCStyle.ST, v));
    street.forEach(v -> b.addRDN(BCStyle.STREET, v));
    postal.forEach(v -> b.addRDN(BCStyle.POSTAL_CODE, v));
    if (!cn.isEmpty()) {
      b.addRDN(BCStyle.CN, cn);
    }
    return b.build();
  }

  private static int keyUsage(List<String> names) {
    int bits = 0;
    for (String n : names) {
      bits |=
          switch (n.toLowerCase(Locale.ROOT)) {
            case "digitalsignature" -> KeyUsage.digitalSignature;
            case "contentcommitment" -> KeyUsage.nonRepudiation;
            case "keyencipherment" -> KeyUsage.keyEncipherment;
            case "dataencipherment" -> KeyUsage.dataEncipherment;
            case "keyagreement" -> KeyUsage.keyAgreement;
            case "certsign" -> KeyUsage.keyCertSign;
            case "crlsign" -> KeyUsage.cRLSign;
            case "encipheronly" -> KeyUsage.encipherOnly;
            case "decipheronly" -> KeyUsage.decipherOnly;
            default -> throw VaultError.badRequest("unrecognized key usage " + n);
          };
    }
    return bits;
  }

  private static List<KeyPurposeId> extendedKeyUsages(PkiRoleSpec role) {
    List<KeyPurposeId> out = new ArrayList<>();
    if (role.serverFlag) {
      out.add(KeyPurposeId.id_kp_serverAuth);
    }
    if (role.clientFlag) {
      out.add(KeyPurposeId.id_kp_clientAuth);
    }
    if (role.codeSigningFlag) {
      out.add(KeyPurposeId.id_kp_codeSigning);
    }
    if (role.emailProtectionFlag) {
      out.add(KeyPurposeId.id_kp_emailProtection);
    }
    for (String n : role.extKeyUsage) {
      KeyPurposeId id =
          switch (n.toLowerCase(Locale.ROOT)) {
            case "serverauth" -> KeyPurposeId.id_kp_serverAuth;
            case "clientauth" -> KeyPurposeId.id_kp_clientAuth;
            case "codesigning" -> KeyPurposeId.id_kp_codeSigning;
            case "emailprotection" -> KeyPurposeId.id_kp_emailProtection;
            case "timestamping" -> KeyPurposeId.id_kp_timeStamping;
            case "ocspsigning" -> KeyPurposeId.id_kp_OCSPSigning;
            case "any" -> KeyPurposeId.anyExtendedKeyUsage;
            default -> throw VaultError.badRequest("unrecognized extended key usage " + n);
          };
      if (!out.contains(id)) {
        out.add(id);
      }
    }
    for (String oid : role.extKeyUsageOids) {
      out.add(X509.purpose(new ASN1ObjectIdentifier(oid)));
    }
    return out;
  }

  private static String privateKeyPem(PrivateKey key, boolean pkcs8) {
    if (pkcs8) {
      return Pem.privateKey(key).strip();
    }
    try {
      // Vault's default "der" format: SEC1 for EC keys, PKCS#1 for RSA, as Go marshals them.
      byte[] inner =
          PrivateKeyInfo.getInstance(key.getEncoded())
              .parsePrivateKey()
              .toASN1Primitive()
              .getEncoded();
      return Pem.encode(
              key.getAlgorithm().equals("EC") ? "EC PRIVATE KEY" : "RSA PRIVATE KEY", inner)
          .strip();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- revocation ------------------------------------------------------------------------

  private Reply revoke(ObjectNode b) {
    requireCa();
    String text = Json.text(b.get("serial_number"), "");
    if (text.isEmpty()) {
      throw VaultError.badRequest("The serial number must be provided");
    }
    BigInteger serial;
    try {
      serial = SerialNumbers.parse(text);
    } catch (IllegalArgumentException e) {
      throw VaultError.badRequest("certificate with serial " + text + " not found");
    }
    if (serial.equals(ca.getSerialNumber())) {
      throw VaultError.badRequest("adding CA to CRL is not allowed");
    }
    if (!issued.containsKey(serial)) {
      throw VaultError.badRequest("certificate with serial " + text + " not found");
    }
    Instant at = revoked.get(serial);
    if (at == null) {
      at = clock.instant();
      revoked.put(serial, at);
      crl = null;
    }
    ObjectNode d = Json.object();
    d.put("revocation_time", at.getEpochSecond());
    d.put("revocation_time_rfc3339", DateTimeFormatter.ISO_INSTANT.format(at));
    return Reply.data(d);
  }

  private byte[] crlDer() {
    Instant now = clock.instant();
    if (crl == null || crl.getNextUpdate().toInstant().isBefore(now)) {
      crlNumber = crlNumber.add(BigInteger.ONE);
      crl = X509.crl(ca, caKey, revoked, now, now.plus(crlExpiry), crlNumber);
    }
    try {
      return crl.getEncoded();
    } catch (CRLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Reply fetchCert(String which) {
    ObjectNode d = Json.object();
    switch (which) {
      case "ca" -> d.put("certificate", ca == null ? "" : Pem.certificate(ca));
      case "ca_chain" -> d.put("certificate", Pem.certificates(caChain));
      case "crl" -> d.put("certificate", ca == null ? "" : Pem.encode("X509 CRL", crlDer()));
      default -> {
        BigInteger serial;
        try {
          serial = SerialNumbers.parse(which);
        } catch (IllegalArgumentException e) {
          throw VaultError.notFound();
        }
        X509Certificate c = issued.get(serial);
        if (c == null) {
          throw VaultError.notFound();
        }
        d.put("certificate", Pem.certificate(c));
        Instant at = revoked.get(serial);
        d.put("revocation_time", at == null ? 0 : at.getEpochSecond());
      }
    }
    return Reply.data(d);
  }

  /** For tests: serials this mount has revoked. */
  synchronized List<BigInteger> revokedSerials() {
    return List.copyOf(revoked.keySet());
  }

  X509Certificate ca() {
    return ca;
  }
}
