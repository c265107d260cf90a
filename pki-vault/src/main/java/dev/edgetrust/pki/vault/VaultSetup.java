package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultDurations;
import dev.edgetrust.pki.vault.http.VaultPaths;
import dev.edgetrust.pki.vault.http.VaultResponse;
import dev.edgetrust.x509.Pem;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a Vault ready for edgetrust in one idempotent sequence and reports each step as done or
 * already done: the PKI engine and its max lease TTL, a CA (an internal root, or an imported
 * intermediate), issuing and CRL URLs, the {@code cloudhub} server-certificate role, the CloudHub's
 * policy, and optionally the AppRole and cert auth methods. Node roles and policies are per node:
 * see {@link VaultEnrollment}.
 *
 * <p>A step that finds something in its way that it would have to destroy (another engine at the
 * mount, a different CA) stops with an error instead.
 */
public final class VaultSetup {
  /** The role the CloudHub signs its server certificates with. */
  public static final String CLOUDHUB_ROLE = "cloudhub";

  /** The policy for the CloudHub and its certificate agent on the default mount {@code pki}. */
  public static final String CLOUDHUB_POLICY = "edgetrust-cloudhub";

  private final Builder b;

  private VaultSetup(Builder builder) {
    this.b = builder;
  }

  public static Builder builder(VaultClient client, VaultCredential operator) {
    return new Builder(client, operator);
  }

  /**
   * The name of the CloudHub's policy for {@code mount}: {@value #CLOUDHUB_POLICY} for {@code pki},
   * suffixed with the mount otherwise, so that setting up a second mount does not rewrite the first
   * one's policy.
   */
  public static String cloudhubPolicyName(String mount) {
    String m = VaultPaths.mount(mount, "PKI mount");
    return m.equals("pki") ? CLOUDHUB_POLICY : CLOUDHUB_POLICY + "-" + m.replace('/', '-');
  }

  /** The name of {@link #nodeControlPolicy}: what lets a CloudHub block and unblock nodes. */
  public static String nodeControlPolicyName(String mount) {
    return cloudhubPolicyName(mount) + "-node-control";
  }

  /**
   * What {@code node block}/{@code unblock} through a CloudHub needs, kept apart from {@link
   * #cloudhubPolicy} so an operator grants it knowingly: deleting and recreating node roles and
   * their block markers, reading and updating the nodes' enrollment records, revoking tokens by
   * accessor, destroying secret_ids of the AppRole mount's roles, deleting node cert auth entries,
   * and giving cert auth the PKI's CRL. It grants no signing, no policy writes, and no writes of an
   * auth method's roles or entries (which could name any policy): a CloudHub holding it still
   * cannot obtain a node certificate.
   */
  public static String nodeControlPolicy(
      String mount, String stateMount, String appRoleMount, String certMount) {
    String m = VaultPaths.mount(mount, "PKI mount");
    String node = VaultEnrollment.POLICY_PREFIX + "*";
    return VaultPolicy.withComment(
            "edgetrust CloudHub: block and unblock edge nodes (node roles, block markers, node"
                + " credentials)")
        // Vault checks a LIST against the path with a trailing slash.
        .allow(m + "/roles/", "list")
        .allow(
            m + "/roles/" + VaultEnrollment.ROLE_PREFIX + "*", "create", "update", "read", "delete")
        .allow(
            m + "/roles/" + VaultNodeBlocking.BLOCKED_PREFIX + "*",
            "create",
            "update",
            "read",
            "delete")
        .allow(NodeRecords.nodesPrefix(stateMount, m) + "*", "create", "update", "read")
        .allow(NodeRecords.certAuthPath(stateMount, m), "read")
        .allow("auth/token/revoke-accessor", "update")
        // '+' is one path segment: the AppRole mount is edgetrust's own, its roles are nodes.
        .allow("auth/" + appRoleMount + "/role/+/secret-id/", "list")
        .allow("auth/" + appRoleMount + "/role/+/secret-id-accessor/destroy", "update")
        .allow("auth/" + certMount + "/certs/" + node, "delete")
        .allow("auth/" + certMount + "/crls/" + CertAuthCrl.crlName(m), "update")
        .hcl();
  }

  /** The policy text for the CloudHub on {@code mount}. */
  public static String cloudhubPolicy(String mount) {
    String m = VaultPaths.mount(mount, "PKI mount");
    return VaultPolicy.withComment(
            "edgetrust CloudHub and certificate agent: server certificates, revocation, CA and CRL")
        .allow(m + "/sign/" + CLOUDHUB_ROLE, "update")
        .allow(m + "/issue/" + CLOUDHUB_ROLE, "update")
        .allow(m + "/revoke", "update")
        .allow(m + "/cert/ca", "read")
        .allow(m + "/ca_chain", "read")
        .allow(m + "/crl", "read")
        .hcl();
  }

  /**
   * Runs every step.
   *
   * @return one entry per step, in order
   * @throws PkiException if Vault refuses or cannot be reached, or a step would destroy something
   */
  public List<SetupStep> run() throws PkiException {
    List<SetupStep> steps = new ArrayList<>();
    steps.add(mount());
    steps.add(maxLeaseTtl());
    steps.add(ca());
    steps.add(urls());
    steps.add(cloudhubRole());
    steps.add(policy(cloudhubPolicyName(b.mount), cloudhubPolicy(b.mount)));
    steps.add(stateMount());
    steps.add(
        policy(
            nodeControlPolicyName(b.mount),
            nodeControlPolicy(b.mount, b.stateMount, b.appRoleMount, b.certAuthMount)));
    if (b.enableAppRole) {
      steps.add(authMethod("approle", b.appRoleMount));
    }
    if (b.enableCertAuth) {
      steps.add(authMethod("cert", b.certAuthMount));
      steps.add(certAuthCrl());
    }
    return steps;
  }

  private SetupStep mount() throws PkiException {
    String name = "PKI secrets engine at " + b.mount + "/";
    JsonNode mounts = dataOrBody(b.client.read("sys/mounts", b.operator));
    JsonNode existing = mounts.path(b.mount + "/");
    if (!existing.isMissingNode()) {
      String type = existing.path("type").asText("");
      if (!type.equals("pki")) {
        throw PkiException.refused(
            b.mount
                + "/ is already a '"
                + type
                + "' secrets engine, not pki: choose another mount (--pki)");
      }
      return SetupStep.alreadyDone(name, "");
    }
    ObjectNode body = VaultClient.object();
    body.put("type", "pki");
    body.put("description", "edgetrust: certificates of edge nodes and CloudHub");
    b.client.write("sys/mounts/" + b.mount, body, b.operator);
    return SetupStep.done(name, "");
  }

  /** The KV version 1 engine edgetrust keeps node records in ({@link NodeRecords}). */
  private SetupStep stateMount() throws PkiException {
    String name = "edgetrust's state (KV version 1) at " + b.stateMount + "/";
    JsonNode existing =
        dataOrBody(b.client.read("sys/mounts", b.operator)).path(b.stateMount + "/");
    if (!existing.isMissingNode()) {
      String type = existing.path("type").asText("");
      String version = existing.path("options").path("version").asText("1");
      if (!(type.equals("kv") || type.equals("generic")) || version.equals("2")) {
        throw PkiException.refused(
            b.stateMount
                + "/ is already a '"
                + type
                + (version.equals("2") ? "' version 2" : "'")
                + " secrets engine, not kv version 1: choose another mount (--state-mount)");
      }
      return SetupStep.alreadyDone(name, "");
    }
    ObjectNode body = VaultClient.object();
    body.put("type", "kv");
    body.putObject("options").put("version", "1");
    body.put("description", "edgetrust: what enroll made for each node, for block and unblock");
    b.client.write("sys/mounts/" + b.stateMount, body, b.operator);
    return SetupStep.done(name, "");
  }

  /** Gives cert auth the PKI's CRL, and records where, so that revocations keep it current. */
  private SetupStep certAuthCrl() throws PkiException {
    NodeRecords.CertAuth to =
        new NodeRecords.CertAuth(b.certAuthMount, CertAuthCrl.crlName(b.mount));
    String name = "CRL of " + b.mount + "/ for auth/" + to.mount() + "/crls/" + to.crlName();
    NodeRecords records = new NodeRecords(b.client, b.operator, b.stateMount, b.mount);
    boolean known = records.certAuth().equals(java.util.Optional.of(to));
    // Written every run: the CRL changes, and a fresh copy never hurts.
    CertAuthCrl.write(b.client, b.operator, b.mount, to);
    records.writeCertAuth(to);
    return known ? SetupStep.alreadyDone(name, "refreshed") : SetupStep.done(name, "");
  }

  private SetupStep maxLeaseTtl() throws PkiException {
    String name = "max lease TTL of " + b.mount + "/";
    JsonNode tune = dataOrBody(b.client.read("sys/mounts/" + b.mount + "/tune", b.operator));
    Duration current = VaultDurations.parse(tune.path("max_lease_ttl"), "max_lease_ttl");
    if (current.compareTo(b.maxLeaseTtl) >= 0) {
      return SetupStep.alreadyDone(name, hours(current));
    }
    ObjectNode body = VaultClient.object();
    body.put("max_lease_ttl", VaultDurations.format(b.maxLeaseTtl));
    b.client.write("sys/mounts/" + b.mount + "/tune", body, b.operator);
    return SetupStep.done(name, hours(b.maxLeaseTtl));
  }

  private SetupStep ca() throws PkiException {
    String name = "CA of " + b.mount + "/";
    Optional<X509Certificate> existing = currentCa();
    if (b.caBundle.isPresent()) {
      X509Certificate wanted = bundleCa(b.caBundle.get());
      if (existing.isPresent()) {
        if (existing.get().equals(wanted)) {
          return SetupStep.alreadyDone(name, describe(wanted));
        }
        throw PkiException.refused(
            b.mount
                + "/ already has CA "
                + describe(existing.get())
                + "; refusing to replace it with "
                + describe(wanted)
                + " (use another mount, or remove the CA yourself)");
      }
      ObjectNode body = VaultClient.object();
      body.put("pem_bundle", b.caBundle.get());
      b.client.write(b.mount + "/config/ca", body, b.operator);
      return SetupStep.done(name, "imported " + describe(wanted));
    }
    if (existing.isPresent()) {
      return SetupStep.alreadyDone(name, describe(existing.get()));
    }
    ObjectNode body = VaultClient.object();
    body.put("common_name", b.rootCommonName);
    body.put("ttl", VaultDurations.format(b.rootTtl));
    body.put("key_type", "ec");
    body.put("key_bits", 256);
    body.put("exclude_cn_from_sans", true);
    VaultResponse response = b.client.write(b.mount + "/root/generate/internal", body, b.operator);
    if (response.isEmpty()) {
      // Vault before 1.11 answers 204 when a CA appeared meanwhile, and keeps it.
      return SetupStep.alreadyDone(name, currentCa().map(VaultSetup::describe).orElse(""));
    }
    X509Certificate root =
        Pem.parseCertificates(response.data().path("certificate").asText()).get(0);
    return SetupStep.done(name, "generated root " + describe(root));
  }

  private Optional<X509Certificate> currentCa() throws PkiException {
    Optional<byte[]> pem;
    try {
      pem = b.client.readRaw(b.mount + "/ca/pem");
    } catch (PkiException e) {
      if (e.isRetryable()) {
        throw e;
      }
      // Vault 1.8 answers 204 when a mount has no CA; some later versions answer an error instead.
      return Optional.empty();
    }
    if (pem.isEmpty()) {
      return Optional.empty();
    }
    String text = new String(pem.get(), StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      return Optional.empty();
    }
    return Optional.of(Pem.parseCertificates(text).get(0));
  }

  private static X509Certificate bundleCa(String bundle) {
    try {
      Pem.parsePrivateKey(bundle);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the CA bundle to import has no usable private key: " + e.getMessage());
    }
    List<X509Certificate> certs = Pem.parseCertificates(bundle);
    X509Certificate first = certs.get(0);
    if (first.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(
          "the first certificate of the CA bundle ("
              + describe(first)
              + ") is not a CA certificate");
    }
    return first;
  }

  private SetupStep urls() throws PkiException {
    String name = "issuing and CRL URLs of " + b.mount + "/";
    String base =
        b.publicAddress.orElse(b.client.connection().address().toString()) + "/v1/" + b.mount;
    List<String> issuing = List.of(base + "/ca");
    List<String> crl = List.of(base + "/crl");
    Optional<VaultResponse> current = b.client.readIfPresent(b.mount + "/config/urls", b.operator);
    if (current.isPresent()
        && strings(current.get().data().path("issuing_certificates")).equals(issuing)
        && strings(current.get().data().path("crl_distribution_points")).equals(crl)) {
      return SetupStep.alreadyDone(name, base);
    }
    ObjectNode body = VaultClient.object();
    issuing.forEach(body.putArray("issuing_certificates")::add);
    crl.forEach(body.putArray("crl_distribution_points")::add);
    b.client.write(b.mount + "/config/urls", body, b.operator);
    return SetupStep.done(name, base);
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (node.isTextual() && !node.asText().isEmpty()) {
      for (String s : node.asText().split(",")) {
        out.add(s.strip());
      }
    }
    return out;
  }

  /** The CloudHub's server-certificate role: its names only, server auth only. */
  PkiRole cloudhubRoleDefinition() {
    Set<String> domains = new LinkedHashSet<>();
    domains.add(b.cloudhubCommonName);
    domains.addAll(b.cloudhubDnsNames);
    b.cloudhubIps.forEach(ip -> domains.add(ip.getHostAddress()));
    return new PkiRole()
        .set("allowed_domains", List.copyOf(domains))
        .set("allow_bare_domains", true)
        .set("allow_subdomains", false)
        .set("allow_glob_domains", false)
        .set("allow_any_name", false)
        .set("allow_localhost", b.cloudhubDnsNames.contains("localhost"))
        .set("enforce_hostnames", true)
        .set("allow_ip_sans", true)
        .set("server_flag", true)
        .set("client_flag", false)
        .set("key_type", "ec")
        .set("key_bits", 256)
        .set("use_csr_common_name", false)
        .set("use_csr_sans", false)
        .set("ttl", b.cloudhubTtl)
        .set("max_ttl", b.cloudhubMaxTtl);
  }

  private SetupStep cloudhubRole() throws PkiException {
    return role(CLOUDHUB_ROLE, cloudhubRoleDefinition(), b.client, b.operator, b.mount);
  }

  /** Writes a PKI role unless Vault already has it as defined. Shared with enrollment. */
  static SetupStep role(
      String role, PkiRole definition, VaultClient client, VaultCredential operator, String mount)
      throws PkiException {
    String name = "role " + mount + "/roles/" + role;
    Optional<VaultResponse> current = client.readIfPresent(mount + "/roles/" + role, operator);
    if (current.isPresent() && definition.differences(current.get().data()).isEmpty()) {
      return SetupStep.alreadyDone(name, "");
    }
    client.write(mount + "/roles/" + role, definition.request(), operator);
    return SetupStep.done(
        name,
        current.isPresent()
            ? "updated " + String.join(", ", definition.differences(current.get().data()))
            : "");
  }

  private SetupStep policy(String policy, String text) throws PkiException {
    return policy(policy, text, b.client, b.operator);
  }

  /** Writes an ACL policy unless Vault already has exactly this text. Shared with enrollment. */
  static SetupStep policy(String policy, String text, VaultClient client, VaultCredential operator)
      throws PkiException {
    String name = "policy " + policy;
    Optional<VaultResponse> current = client.readIfPresent("sys/policies/acl/" + policy, operator);
    if (current.isPresent()
        && current.get().data().path("policy").asText("").strip().equals(text.strip())) {
      return SetupStep.alreadyDone(name, "");
    }
    ObjectNode body = VaultClient.object();
    body.put("policy", text);
    client.write("sys/policies/acl/" + policy, body, operator);
    return SetupStep.done(name, "");
  }

  private SetupStep authMethod(String type, String path) throws PkiException {
    String name = type + " auth at auth/" + path + "/";
    JsonNode methods = dataOrBody(b.client.read("sys/auth", b.operator));
    JsonNode existing = methods.path(path + "/");
    if (!existing.isMissingNode()) {
      if (!existing.path("type").asText("").equals(type)) {
        throw PkiException.refused(
            "auth/"
                + path
                + "/ is already a '"
                + existing.path("type").asText()
                + "' auth method, not "
                + type);
      }
      return SetupStep.alreadyDone(name, "");
    }
    ObjectNode body = VaultClient.object();
    body.put("type", type);
    body.put("description", "edgetrust nodes");
    b.client.write("sys/auth/" + path, body, b.operator);
    return SetupStep.done(name, "");
  }

  /** sys/mounts, sys/auth and tune answer with the listing both under data and at the top level. */
  private static JsonNode dataOrBody(VaultResponse response) {
    JsonNode data = response.data();
    return data.isObject() && data.size() > 0 ? data : response.body();
  }

  private static String describe(X509Certificate c) {
    return c.getSubjectX500Principal().getName() + ", until " + c.getNotAfter().toInstant();
  }

  private static String hours(Duration d) {
    return d.toHours() + "h";
  }

  /** Settings for {@link VaultSetup}; all have defaults except the client and operator token. */
  public static final class Builder {
    private final VaultClient client;
    private final VaultCredential operator;
    private String mount = "pki";
    private Duration maxLeaseTtl = Duration.ofHours(87600);
    private String rootCommonName = "edgetrust root CA";
    private Duration rootTtl = Duration.ofHours(87600);
    private Optional<String> caBundle = Optional.empty();
    private Optional<String> publicAddress = Optional.empty();
    private String cloudhubCommonName = "cloudhub";
    private List<String> cloudhubDnsNames = List.of();
    private List<InetAddress> cloudhubIps = List.of();
    private Duration cloudhubTtl = Duration.ofHours(24 * 30);
    private Duration cloudhubMaxTtl = Duration.ofHours(24 * 90);
    private boolean enableAppRole;
    private String appRoleMount = "approle";
    private boolean enableCertAuth;
    private String certAuthMount = "cert";
    private String stateMount = NodeRecords.DEFAULT_MOUNT;

    private Builder(VaultClient client, VaultCredential operator) {
      this.client = Objects.requireNonNull(client, "client");
      this.operator = Objects.requireNonNull(operator, "operator");
    }

    public Builder mount(String mount) {
      this.mount = VaultPaths.mount(mount, "PKI mount");
      return this;
    }

    /** The mount's max lease TTL: the longest certificate (root CA included) it may issue. */
    public Builder maxLeaseTtl(Duration ttl) {
      this.maxLeaseTtl = positive(ttl, "maxLeaseTtl");
      return this;
    }

    public Builder rootCa(String commonName, Duration ttl) {
      if (commonName == null || commonName.isBlank()) {
        throw new IllegalArgumentException("root CA common name is empty");
      }
      this.rootCommonName = commonName;
      this.rootTtl = positive(ttl, "root CA ttl");
      return this;
    }

    /**
     * Import this CA (PEM: the CA certificate first, its private key, optionally its issuers)
     * instead of generating a root: the way to make Vault an intermediate under an existing CA.
     */
    public Builder importCa(String pemBundle) {
      bundleCa(pemBundle);
      this.caBundle = Optional.of(pemBundle);
      return this;
    }

    /**
     * The Vault address clients use, if not the one this setup talks to (written into
     * certificates).
     */
    public Builder publicAddress(String address) {
      this.publicAddress =
          Optional.of(VaultConnection.builder(address).build().address().toString());
      return this;
    }

    /**
     * The names the CloudHub's server certificate may carry: its CN, DNS names and IP addresses
     * (KubeEdge's {@code advertiseAddress} and {@code dnsNames}).
     */
    public Builder cloudhubNames(
        String commonName, List<String> dnsNames, List<String> ipAddresses) {
      if (commonName == null || commonName.isBlank()) {
        throw new IllegalArgumentException("CloudHub common name is empty");
      }
      this.cloudhubCommonName = commonName;
      this.cloudhubDnsNames = List.copyOf(dnsNames);
      List<InetAddress> ips = new ArrayList<>();
      for (String ip : ipAddresses) {
        ips.add(ipLiteral(ip));
      }
      this.cloudhubIps = List.copyOf(ips);
      return this;
    }

    public Builder cloudhubTtl(Duration ttl, Duration maxTtl) {
      this.cloudhubTtl = positive(ttl, "CloudHub ttl");
      this.cloudhubMaxTtl = positive(maxTtl, "CloudHub max ttl");
      if (ttl.compareTo(maxTtl) > 0) {
        throw new IllegalArgumentException(
            "CloudHub ttl " + ttl + " is longer than its max ttl " + maxTtl);
      }
      return this;
    }

    public Builder enableAppRole(String mount) {
      this.enableAppRole = true;
      this.appRoleMount = VaultPaths.mount(mount, "AppRole mount");
      return this;
    }

    public Builder enableCertAuth(String mount) {
      this.enableCertAuth = true;
      this.certAuthMount = VaultPaths.mount(mount, "cert auth mount");
      return this;
    }

    /** Where edgetrust keeps its per-node records: a KV version 1 engine this setup enables. */
    public Builder stateMount(String mount) {
      this.stateMount = VaultPaths.mount(mount, "state mount");
      return this;
    }

    public VaultSetup build() {
      return new VaultSetup(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    private static InetAddress ipLiteral(String ip) {
      String t = ip.strip();
      if (!t.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
        throw new IllegalArgumentException("'" + ip + "' is not an IP address");
      }
      try {
        return InetAddress.getByName(t);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + ip + "' is not an IP address");
      }
    }
  }
}
