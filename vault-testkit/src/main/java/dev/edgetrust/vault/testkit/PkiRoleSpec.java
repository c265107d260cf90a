package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A PKI role, with the defaults Vault documents for every field. A write replaces the role as a
 * whole (fields not given take their defaults), as {@code POST <mount>/roles/<name>} does in the
 * Vault versions edgetrust supports.
 */
final class PkiRoleSpec {
  private static final Set<String> KNOWN =
      Set.of(
          "name",
          "ttl",
          "max_ttl",
          "allow_localhost",
          "allowed_domains",
          "allowed_domains_template",
          "allow_bare_domains",
          "allow_subdomains",
          "allow_glob_domains",
          "allow_any_name",
          "enforce_hostnames",
          "allow_ip_sans",
          "allowed_uri_sans",
          "allowed_other_sans",
          "server_flag",
          "client_flag",
          "code_signing_flag",
          "email_protection_flag",
          "key_type",
          "key_bits",
          "key_usage",
          "ext_key_usage",
          "ext_key_usage_oids",
          "use_csr_common_name",
          "use_csr_sans",
          "ou",
          "organization",
          "country",
          "locality",
          "province",
          "street_address",
          "postal_code",
          "generate_lease",
          "no_store",
          "require_cn",
          "policy_identifiers",
          "basic_constraints_valid_for_non_ca",
          "not_before_duration");

  Duration ttl;
  Duration maxTtl;
  Duration notBeforeDuration;
  boolean allowLocalhost;
  List<String> allowedDomains;
  boolean allowedDomainsTemplate;
  boolean allowBareDomains;
  boolean allowSubdomains;
  boolean allowGlobDomains;
  boolean allowAnyName;
  boolean enforceHostnames;
  boolean allowIpSans;
  List<String> allowedUriSans;
  boolean serverFlag;
  boolean clientFlag;
  boolean codeSigningFlag;
  boolean emailProtectionFlag;
  String keyType;
  int keyBits;
  List<String> keyUsage;
  List<String> extKeyUsage;
  List<String> extKeyUsageOids;
  boolean useCsrCommonName;
  boolean useCsrSans;
  List<String> ou;
  List<String> organization;
  List<String> country;
  List<String> locality;
  List<String> province;
  List<String> streetAddress;
  List<String> postalCode;
  boolean generateLease;
  boolean noStore;
  boolean requireCn;
  boolean basicConstraintsValidForNonCa;

  /** Parses a role write; {@code warnings} receives the names Vault would say it ignored. */
  static PkiRoleSpec parse(ObjectNode b, List<String> warnings) {
    PkiRoleSpec r = new PkiRoleSpec();
    r.ttl = GoDurations.parse(b.get("ttl"), "ttl");
    r.maxTtl = GoDurations.parse(b.get("max_ttl"), "max_ttl");
    r.notBeforeDuration =
        b.has("not_before_duration")
            ? GoDurations.parse(b.get("not_before_duration"), "not_before_duration")
            : Duration.ofSeconds(30);
    r.allowLocalhost = Json.bool(b.get("allow_localhost"), "allow_localhost", true);
    r.allowedDomains = Json.strings(b.get("allowed_domains"));
    r.allowedDomainsTemplate =
        Json.bool(b.get("allowed_domains_template"), "allowed_domains_template", false);
    r.allowBareDomains = Json.bool(b.get("allow_bare_domains"), "allow_bare_domains", false);
    r.allowSubdomains = Json.bool(b.get("allow_subdomains"), "allow_subdomains", false);
    r.allowGlobDomains = Json.bool(b.get("allow_glob_domains"), "allow_glob_domains", false);
    r.allowAnyName = Json.bool(b.get("allow_any_name"), "allow_any_name", false);
    r.enforceHostnames = Json.bool(b.get("enforce_hostnames"), "enforce_hostnames", true);
    r.allowIpSans = Json.bool(b.get("allow_ip_sans"), "allow_ip_sans", true);
    r.allowedUriSans = Json.strings(b.get("allowed_uri_sans"));
    if (!Json.strings(b.get("allowed_other_sans")).isEmpty()) {
      throw VaultError.badRequest("the Vault stand-in does not support allowed_other_sans");
    }
    r.serverFlag = Json.bool(b.get("server_flag"), "server_flag", true);
    r.clientFlag = Json.bool(b.get("client_flag"), "client_flag", true);
    r.codeSigningFlag = Json.bool(b.get("code_signing_flag"), "code_signing_flag", false);
    r.emailProtectionFlag =
        Json.bool(b.get("email_protection_flag"), "email_protection_flag", false);
    r.keyType = Json.text(b.get("key_type"), "rsa");
    r.keyBits = Json.integer(b.get("key_bits"), "key_bits", 0);
    r.keyUsage =
        b.has("key_usage")
            ? Json.strings(b.get("key_usage"))
            : List.of("DigitalSignature", "KeyAgreement", "KeyEncipherment");
    r.extKeyUsage = Json.strings(b.get("ext_key_usage"));
    r.extKeyUsageOids = Json.strings(b.get("ext_key_usage_oids"));
    r.useCsrCommonName = Json.bool(b.get("use_csr_common_name"), "use_csr_common_name", true);
    r.useCsrSans = Json.bool(b.get("use_csr_sans"), "use_csr_sans", true);
    r.ou = Json.strings(b.get("ou"));
    r.organization = Json.strings(b.get("organization"));
    r.country = Json.strings(b.get("country"));
    r.locality = Json.strings(b.get("locality"));
    r.province = Json.strings(b.get("province"));
    r.streetAddress = Json.strings(b.get("street_address"));
    r.postalCode = Json.strings(b.get("postal_code"));
    r.generateLease = Json.bool(b.get("generate_lease"), "generate_lease", false);
    r.noStore = Json.bool(b.get("no_store"), "no_store", false);
    r.requireCn = Json.bool(b.get("require_cn"), "require_cn", true);
    if (!Json.strings(b.get("policy_identifiers")).isEmpty()) {
      throw VaultError.badRequest("the Vault stand-in does not support policy_identifiers");
    }
    r.basicConstraintsValidForNonCa =
        Json.bool(
            b.get("basic_constraints_valid_for_non_ca"),
            "basic_constraints_valid_for_non_ca",
            false);
    r.validate();
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!KNOWN.contains(f)) {
        unknown.add(f);
      }
    }
    if (!unknown.isEmpty()) {
      warnings.add("Endpoint ignored these unrecognized parameters: " + unknown);
    }
    return r;
  }

  private void validate() {
    switch (keyType) {
      case "rsa" -> {
        if (keyBits == 0) {
          keyBits = 2048;
        }
        if (keyBits < 2048) {
          throw VaultError.badRequest(
              "RSA keys < 2048 bits are unsafe and not supported: got " + keyBits);
        }
        if (keyBits != 2048 && keyBits != 3072 && keyBits != 4096) {
          throw VaultError.badRequest("unsupported bit length for RSA key: " + keyBits);
        }
      }
      case "ec" -> {
        if (keyBits == 0) {
          keyBits = 256;
        }
        if (keyBits != 224 && keyBits != 256 && keyBits != 384 && keyBits != 521) {
          throw VaultError.badRequest("unsupported bit length for EC key: " + keyBits);
        }
      }
      case "any" -> keyBits = 0;
      default -> throw VaultError.badRequest("unknown key type: " + keyType);
    }
    if (!maxTtl.isZero() && ttl.compareTo(maxTtl) > 0) {
      throw VaultError.badRequest("\"ttl\" value must be less than \"max_ttl\" value");
    }
  }

  ObjectNode data() {
    ObjectNode d = Json.object();
    d.put("ttl", ttl.toSeconds());
    d.put("max_ttl", maxTtl.toSeconds());
    d.put("not_before_duration", notBeforeDuration.toSeconds());
    d.put("allow_localhost", allowLocalhost);
    d.set("allowed_domains", Json.array(allowedDomains));
    d.put("allowed_domains_template", allowedDomainsTemplate);
    d.put("allow_bare_domains", allowBareDomains);
    d.put("allow_subdomains", allowSubdomains);
    d.put("allow_glob_domains", allowGlobDomains);
    d.put("allow_any_name", allowAnyName);
    d.put("enforce_hostnames", enforceHostnames);
    d.put("allow_ip_sans", allowIpSans);
    d.set("allowed_uri_sans", Json.array(allowedUriSans));
    d.set("allowed_other_sans", Json.array(List.of()));
    d.put("server_flag", serverFlag);
    d.put("client_flag", clientFlag);
    d.put("code_signing_flag", codeSigningFlag);
    d.put("email_protection_flag", emailProtectionFlag);
    d.put("key_type", keyType);
    d.put("key_bits", keyBits);
    d.set("key_usage", Json.array(keyUsage));
    d.set("ext_key_usage", Json.array(extKeyUsage));
    d.set("ext_key_usage_oids", Json.array(extKeyUsageOids));
    d.put("use_csr_common_name", useCsrCommonName);
    d.put("use_csr_sans", useCsrSans);
    d.set("ou", Json.array(ou));
    d.set("organization", Json.array(organization));
    d.set("country", Json.array(country));
    d.set("locality", Json.array(locality));
    d.set("province", Json.array(province));
    d.set("street_address", Json.array(streetAddress));
    d.set("postal_code", Json.array(postalCode));
    d.put("generate_lease", generateLease);
    d.put("no_store", noStore);
    d.put("require_cn", requireCn);
    d.set("policy_identifiers", Json.array(List.of()));
    d.put("basic_constraints_valid_for_non_ca", basicConstraintsValidForNonCa);
    return d;
  }

  static boolean hasField(JsonNode body, String name) {
    return body.has(name) && !body.get(name).isNull();
  }
}
