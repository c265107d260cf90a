package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.auth.VaultAuth;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultDurations;
import dev.edgetrust.pki.vault.http.VaultPaths;
import dev.edgetrust.pki.vault.http.VaultResponse;
import dev.edgetrust.x509.Pem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Device enrollment against Vault: for node NAME, a PKI role {@code edge-node-NAME} that can only
 * sign client certificates for {@code CN=system:node:NAME}, a policy {@code edgetrust-node-NAME}
 * that can only use that role, and a credential (a token, or an AppRole secret_id) that carries
 * only that policy. So a node's credential cannot obtain a certificate for another node: Vault's
 * policy refuses the other node's role, and every role refuses any other name.
 *
 * <p>Also the reverse operations a block needs: revoke a token by accessor, destroy a node's
 * secret_ids, and disable (delete the role) or enable (recreate it) a node. Every operation is
 * idempotent.
 */
public final class VaultEnrollment {
  public static final String ROLE_PREFIX = "edge-node-";
  public static final String POLICY_PREFIX = "edgetrust-node-";

  /**
   * How long a node's AppRole secret_id can log in by default: long enough for a device to be
   * installed and to log in again after outages, short enough that a leaked one dies by itself.
   */
  public static final Duration DEFAULT_SECRET_ID_TTL = Duration.ofDays(30);

  /** How many logins a node's secret_id allows by default. */
  public static final int DEFAULT_SECRET_ID_USES = 100;

  private final VaultClient client;
  private final VaultCredential operator;
  private final String mount;
  private final Duration certificateTtl;
  private final Duration certificateMaxTtl;
  private final Duration tokenTtl;
  private final Optional<Duration> tokenPeriod;
  private final String appRoleMount;
  private final String certMount;
  private final Duration secretIdTtl;
  private final int secretIdUses;
  private final NodeRecords records;

  private VaultEnrollment(Builder b) {
    this.client = b.client;
    this.operator = b.operator;
    this.mount = b.mount;
    this.certificateTtl = b.certificateTtl;
    this.certificateMaxTtl = b.certificateMaxTtl;
    this.tokenTtl = b.tokenTtl;
    this.tokenPeriod = b.tokenPeriod;
    this.appRoleMount = b.appRoleMount;
    this.certMount = b.certMount;
    this.secretIdTtl = b.secretIdTtl;
    this.secretIdUses = b.secretIdUses;
    this.records = new NodeRecords(b.client, b.operator, b.stateMount, b.mount);
  }

  /** Where enrollment keeps what it made for each node, in Vault. */
  public NodeRecords records() {
    return records;
  }

  VaultClient client() {
    return client;
  }

  VaultCredential operator() {
    return operator;
  }

  String mount() {
    return mount;
  }

  public static Builder builder(VaultClient client, VaultCredential operator) {
    return new Builder(client, operator);
  }

  /** {@code edge-node-NAME}. */
  public static String roleName(NodeName node) {
    return ROLE_PREFIX + node.value();
  }

  /** {@code edgetrust-node-NAME}: both the ACL policy and the AppRole role of the node. */
  public static String policyName(NodeName node) {
    return POLICY_PREFIX + node.value();
  }

  /** The node's policy text: its own role's sign and issue paths, nothing else. */
  public static String nodePolicy(String mount, NodeName node) {
    String m = VaultPaths.mount(mount, "PKI mount");
    return VaultPolicy.withComment(
            "edgetrust node " + node + ": certificates for " + node.commonName() + " only")
        .allow(m + "/sign/" + roleName(node), "update")
        .allow(m + "/issue/" + roleName(node), "update")
        .hcl();
  }

  PkiRole nodeRole(NodeName node) {
    return nodeRole(node, certificateTtl, certificateMaxTtl, "ec", 256);
  }

  /** The node's role with the parameters enrollment recorded for it. */
  static PkiRole nodeRole(EnrolledNode record) {
    return nodeRole(
        record.node(),
        record.certificateTtl(),
        record.certificateMaxTtl(),
        record.keyType(),
        record.keyBits());
  }

  private static PkiRole nodeRole(
      NodeName node, Duration ttl, Duration maxTtl, String keyType, int keyBits) {
    return new PkiRole()
        .set("allowed_domains", List.of(node.commonName()))
        .set("allow_bare_domains", true)
        .set("allow_subdomains", false)
        .set("allow_glob_domains", false)
        .set("allow_any_name", false)
        .set("allow_localhost", false)
        // system:node:NAME is not a host name; the bare-domain match above still pins it exactly.
        .set("enforce_hostnames", false)
        .set("allow_ip_sans", false)
        .set("client_flag", true)
        .set("server_flag", false)
        .set("organization", List.of(NodeName.ORGANIZATION))
        .set("key_type", keyType)
        .set("key_bits", keyBits)
        // The role, not the CSR, decides the subject: a CSR saying CN=kubeedge.io is still fine.
        .set("use_csr_common_name", false)
        .set("use_csr_sans", false)
        .set("ttl", ttl)
        .set("max_ttl", maxTtl);
  }

  /** What this enrollment makes for {@code node} with {@code auth}, before any token exists. */
  EnrolledNode record(NodeName node, EnrolledNode.Auth auth) {
    return new EnrolledNode(
        node,
        auth,
        certificateTtl,
        certificateMaxTtl,
        "ec",
        256,
        List.of(),
        appRoleMount,
        certMount);
  }

  /**
   * Records in Vault what was made for the node, keeping the accessors of tokens made before (a
   * block revokes them all). Written before a credential is made (so a Vault without the state
   * mount refuses before anything is minted) and again with the new token's accessor.
   */
  private void remember(NodeName node, EnrolledNode.Auth auth, String tokenAccessor)
      throws PkiException {
    EnrolledNode record = record(node, auth);
    Optional<EnrolledNode> earlier;
    try {
      earlier = records.read(node);
    } catch (PkiException e) {
      if (e.isRetryable()) {
        throw e;
      }
      throw PkiException.refused(
          "cannot keep node "
              + node
              + "'s enrollment record at "
              + records.path(node)
              + " ("
              + e.getMessage()
              + "): run ./edgetrust vault setup again, which enables edgetrust's state mount, then"
              + " enroll");
    }
    for (String accessor : earlier.map(EnrolledNode::tokenAccessors).orElse(List.of())) {
      record = record.withAccessor(accessor);
    }
    records.write(record.withAccessor(tokenAccessor));
  }

  /** Creates (or brings up to date) the node's PKI role and policy. */
  public List<SetupStep> prepare(NodeName node) throws PkiException {
    List<SetupStep> steps = new ArrayList<>();
    steps.add(VaultSetup.role(roleName(node), nodeRole(node), client, operator, mount));
    steps.add(VaultSetup.policy(policyName(node), nodePolicy(mount, node), client, operator));
    return steps;
  }

  /**
   * Prepares the node and creates an orphan token carrying only its policy (plus Vault's {@code
   * default}, which lets it look itself up and renew itself). Orphan, so that it outlives the
   * operator's token that created it.
   */
  public NodeCredential enrollWithToken(NodeName node) throws PkiException {
    prepare(node);
    remember(node, EnrolledNode.Auth.TOKEN, "");
    NodeCredential credential = createToken(node);
    remember(node, EnrolledNode.Auth.TOKEN, credential.accessor());
    return credential;
  }

  private NodeCredential createToken(NodeName node) throws PkiException {
    ObjectNode body = VaultClient.object();
    body.putArray("policies").add(policyName(node));
    body.put("no_default_policy", false);
    body.put("renewable", true);
    body.put("ttl", VaultDurations.format(tokenTtl));
    tokenPeriod.ifPresent(p -> body.put("period", VaultDurations.format(p)));
    body.put("display_name", policyName(node));
    body.putObject("meta").put("edgetrust_node", node.value());
    VaultResponse response = client.write("auth/token/create-orphan", body, operator);
    VaultAuth auth = VaultAuth.parse(response.auth().orElse(null), "auth/token/create-orphan");
    return new NodeCredential(
        node,
        NodeCredential.Kind.TOKEN,
        Optional.of(auth.clientToken()),
        Optional.empty(),
        Optional.empty(),
        auth.accessor(),
        roleName(node),
        policyName(node));
  }

  /**
   * Prepares the node, creates (or updates) the AppRole role {@code edgetrust-node-NAME} carrying
   * only its policy, and issues a new secret_id.
   */
  public NodeCredential enrollWithAppRole(NodeName node) throws PkiException {
    prepare(node);
    remember(node, EnrolledNode.Auth.APPROLE, "");
    String rolePath = "auth/" + appRoleMount + "/role/" + policyName(node);
    ObjectNode role = VaultClient.object();
    role.putArray("token_policies").add(policyName(node));
    role.put("token_ttl", VaultDurations.format(tokenTtl));
    role.put("bind_secret_id", true);
    // Bounded by default: a leaked secret_id stops working by itself (see README, AppRole).
    role.put("secret_id_num_uses", secretIdUses);
    role.put("secret_id_ttl", VaultDurations.format(secretIdTtl));
    client.write(rolePath, role, operator);
    String roleId = client.read(rolePath + "/role-id", operator).data().path("role_id").asText("");
    VaultResponse secret = client.write(rolePath + "/secret-id", VaultClient.object(), operator);
    String secretId = secret.data().path("secret_id").asText("");
    if (roleId.isEmpty() || secretId.isEmpty()) {
      throw PkiException.refused(
          "Vault's answer for AppRole " + rolePath + " lacks role_id or secret_id");
    }
    return new NodeCredential(
        node,
        NodeCredential.Kind.APPROLE,
        Optional.empty(),
        Optional.of(roleId),
        Optional.of(secretId),
        secret.data().path("secret_id_accessor").asText(""),
        roleName(node),
        policyName(node));
  }

  /**
   * Prepares the node, lets it log in with its certificate ({@link #allowCertificateLogin}) and
   * creates the token it obtains its first certificate with: after that the device renews with its
   * certificate, and the token may lapse.
   */
  public NodeCredential enrollWithCertificate(NodeName node) throws PkiException {
    prepare(node);
    remember(node, EnrolledNode.Auth.CERT, "");
    allowCertificateLogin(node, certMount, tokenTtl);
    NodeCredential credential = createToken(node);
    remember(node, EnrolledNode.Auth.CERT, credential.accessor());
    return credential;
  }

  /** The name of the node's cert auth entry: {@code edgetrust-node-NAME}, as its policy. */
  public static String certEntryName(NodeName node) {
    return policyName(node);
  }

  /**
   * Lets the node log in with its current certificate ({@code cert} auth at {@code certMount}): an
   * entry {@code edgetrust-node-NAME} trusting the PKI mount's CA for {@code CN=system:node:NAME}
   * only, granting the node's policy. Then the node needs no long-lived token to renew.
   */
  public void allowCertificateLogin(NodeName node, String certMount, Duration tokenTtl)
      throws PkiException {
    String m = VaultPaths.mount(certMount, "cert auth mount");
    byte[] ca =
        client
            .readRaw(mount + "/ca/pem")
            .orElseThrow(
                () ->
                    PkiException.refused(
                        mount + "/ has no CA yet: run 'edgetrust vault setup' first"));
    ObjectNode body = VaultClient.object();
    body.put(
        "certificate",
        Pem.certificates(Pem.parseCertificates(new String(ca, StandardCharsets.US_ASCII))));
    body.putArray("allowed_common_names").add(node.commonName());
    body.putArray("token_policies").add(policyName(node));
    body.put("token_ttl", VaultDurations.format(tokenTtl));
    body.put("display_name", policyName(node));
    client.write("auth/" + m + "/certs/" + policyName(node), body, operator);
  }

  /**
   * Revokes a token (a node's, by the accessor enrollment reported). Revoking it twice is fine.
   *
   * @return true if it was revoked now, false if Vault no longer knew it (expired or revoked)
   */
  public boolean revokeToken(String accessor) throws PkiException {
    ObjectNode body = VaultClient.object();
    body.put("accessor", accessor);
    try {
      client.write("auth/token/revoke-accessor", body, operator);
      return true;
    } catch (PkiException e) {
      // Vault answers 400 for an accessor it no longer knows: already revoked or expired.
      if (e.isRetryable() || !e.getMessage().contains("invalid accessor")) {
        throw e;
      }
      return false;
    }
  }

  /**
   * Destroys every secret_id of the node's AppRole role, so it can no longer log in.
   *
   * @return how many were destroyed
   */
  public int destroySecretIds(NodeName node) throws PkiException {
    return destroySecretIds(node, appRoleMount);
  }

  /** {@link #destroySecretIds(NodeName)} on the AppRole mount {@code appRoleMount}. */
  int destroySecretIds(NodeName node, String appRoleMount) throws PkiException {
    String rolePath = "auth/" + appRoleMount + "/role/" + policyName(node);
    List<String> accessors = client.list(rolePath + "/secret-id", operator);
    for (String accessor : accessors) {
      ObjectNode body = VaultClient.object();
      body.put("secret_id_accessor", accessor);
      client.write(rolePath + "/secret-id-accessor/destroy", body, operator);
    }
    return accessors.size();
  }

  /**
   * Disables the node: deletes its PKI role, so that no credential can obtain a certificate for it
   * (Vault answers "unknown role"). Certificates already issued stay valid until revoked or
   * expired.
   */
  public void disable(NodeName node) throws PkiException {
    client.delete(mount + "/roles/" + roleName(node), operator);
  }

  /** Enables a disabled node again: recreates its role (and policy) as enrollment made them. */
  public List<SetupStep> enable(NodeName node) throws PkiException {
    return prepare(node);
  }

  /** Whether the node's PKI role exists (it is enrolled and not disabled). */
  public boolean isEnabled(NodeName node) throws PkiException {
    return client.readIfPresent(mount + "/roles/" + roleName(node), operator).isPresent();
  }

  /** Settings for {@link VaultEnrollment}. */
  public static final class Builder {
    private final VaultClient client;
    private final VaultCredential operator;
    private String mount = "pki";
    private Duration certificateTtl = Duration.ofHours(24);
    private Duration certificateMaxTtl = Duration.ofHours(72);
    private Duration tokenTtl = Duration.ofHours(72);
    private Optional<Duration> tokenPeriod = Optional.empty();
    private String appRoleMount = "approle";
    private String certMount = "cert";
    private String stateMount = NodeRecords.DEFAULT_MOUNT;
    private Duration secretIdTtl = DEFAULT_SECRET_ID_TTL;
    private int secretIdUses = DEFAULT_SECRET_ID_USES;

    private Builder(VaultClient client, VaultCredential operator) {
      this.client = Objects.requireNonNull(client, "client");
      this.operator = Objects.requireNonNull(operator, "operator");
    }

    public Builder mount(String mount) {
      this.mount = VaultPaths.mount(mount, "PKI mount");
      return this;
    }

    /** Node certificates: the role's default TTL and the cap no request can exceed. */
    public Builder certificateTtl(Duration ttl, Duration maxTtl) {
      this.certificateTtl = positive(ttl, "certificate ttl");
      this.certificateMaxTtl = positive(maxTtl, "certificate max ttl");
      if (ttl.compareTo(maxTtl) > 0) {
        throw new IllegalArgumentException(
            "certificate ttl " + ttl + " is longer than its max ttl " + maxTtl);
      }
      return this;
    }

    /** The TTL of node tokens (and of AppRole login tokens); renewable up to Vault's max. */
    public Builder tokenTtl(Duration ttl) {
      this.tokenTtl = positive(ttl, "token ttl");
      return this;
    }

    /**
     * Makes node tokens periodic: renewable indefinitely, each renewal good for {@code period}.
     * Vault requires a root or sudo operator token for that.
     */
    public Builder tokenPeriod(Duration period) {
      this.tokenPeriod = Optional.of(positive(period, "token period"));
      return this;
    }

    public Builder appRoleMount(String mount) {
      this.appRoleMount = VaultPaths.mount(mount, "AppRole mount");
      return this;
    }

    public Builder certMount(String mount) {
      this.certMount = VaultPaths.mount(mount, "cert auth mount");
      return this;
    }

    /** The KV version 1 mount edgetrust keeps its per-node records in ({@link NodeRecords}). */
    public Builder stateMount(String mount) {
      this.stateMount = VaultPaths.mount(mount, "state mount");
      return this;
    }

    /**
     * Bounds on an AppRole secret_id: how long it can log in, and how many times ({@code 0}: no
     * limit on the number of logins, which the TTL still bounds).
     */
    public Builder secretIdLimits(Duration ttl, int uses) {
      this.secretIdTtl = positive(ttl, "secret_id ttl");
      if (uses < 0) {
        throw new IllegalArgumentException("secret_id uses must be 0 or more, was " + uses);
      }
      this.secretIdUses = uses;
      return this;
    }

    public VaultEnrollment build() {
      return new VaultEnrollment(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
