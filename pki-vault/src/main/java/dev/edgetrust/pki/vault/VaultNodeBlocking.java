package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.NodeCredentialChange;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultDurations;
import dev.edgetrust.pki.vault.http.VaultResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking in Vault itself, so that every CloudHub replica and every restart sees it, and every
 * live credential of the node stops working: its signing role is deleted (a marker role {@code
 * blocked-edge-node-NAME} that signs nothing records the block), the tokens enrollment made for it
 * are revoked by accessor, its AppRole secret_ids destroyed, its cert auth entry deleted. Unblock
 * recreates the role with exactly the parameters enrollment recorded ({@link NodeRecords}); the
 * device then needs a new credential from an operator, which the answer spells out per auth method.
 *
 * <p>Tokens that the device obtained by logging in (AppRole, cert) are not known by accessor: they
 * lapse at their short {@code token_ttl} and can obtain nothing meanwhile, the role being gone.
 */
final class VaultNodeBlocking implements NodeBlocking {
  private static final Logger log = LoggerFactory.getLogger(VaultNodeBlocking.class);

  /** Role names that mark a blocked node: one LIST of the roles finds every block. */
  static final String BLOCKED_PREFIX = "blocked-" + VaultEnrollment.ROLE_PREFIX;

  private final VaultEnrollment enrollment;
  private final VaultClient client;
  private final VaultCredential operator;
  private final String mount;

  VaultNodeBlocking(VaultEnrollment enrollment) {
    this.enrollment = enrollment;
    this.client = enrollment.client();
    this.operator = enrollment.operator();
    this.mount = enrollment.mount();
  }

  @Override
  public NodeCredentialChange blockNode(NodeName node) throws PkiException {
    NodeRecords records = enrollment.records();
    Optional<EnrolledNode> recorded = readQuietly(records, node);
    String rolePath = mount + "/roles/" + VaultEnrollment.roleName(node);
    Optional<VaultResponse> role = client.readIfPresent(rolePath, operator);
    // The role as it is now is what unblock must bring back: an operator may have changed it.
    Optional<EnrolledNode> record =
        role.map(r -> withLiveRole(recorded, node, r.data())).or(() -> recorded);
    List<String> done = new ArrayList<>();

    ObjectNode marker = VaultClient.object();
    marker.putArray("allowed_domains").add("blocked.edgetrust.invalid");
    marker.put("allow_bare_domains", false);
    marker.put("allow_subdomains", false);
    marker.put("allow_localhost", false);
    marker.put("allow_ip_sans", false);
    marker.put("enforce_hostnames", true);
    marker.put("client_flag", false);
    marker.put("server_flag", false);
    marker.put("max_ttl", "1s");
    client.write(mount + "/roles/" + BLOCKED_PREFIX + node.value(), marker, operator);
    client.delete(rolePath, operator);
    done.add(
        "Vault role "
            + rolePath
            + (role.isPresent() ? " deleted" : " was already gone")
            + " (marker role "
            + BLOCKED_PREFIX
            + node
            + " written)");

    if (record.isPresent()) {
      EnrolledNode r = record.get();
      // Each credential on its own: one Vault refuses (an older node-control policy, say) must not
      // keep the others alive, nor stop the rest of the block (revocation, session).
      EnrolledNode after = r;
      try {
        done.add(revokeTokens(r));
        after = r.withoutAccessors();
      } catch (PkiException e) {
        // Kept in the record: the next block tries them again.
        done.add(failed("revoke its tokens", e));
      }
      if (r.auth() == EnrolledNode.Auth.APPROLE) {
        done.add(
            attempt(
                "destroy its AppRole secret_ids",
                () ->
                    "destroyed "
                        + count(
                            enrollment.destroySecretIds(node, r.appRoleMount()),
                            "AppRole secret_id")));
      }
      if (r.auth() == EnrolledNode.Auth.CERT) {
        String entry = "auth/" + r.certMount() + "/certs/" + VaultEnrollment.certEntryName(node);
        done.add(
            attempt(
                "delete its cert auth entry",
                () -> {
                  client.delete(entry, operator);
                  return "deleted cert auth entry " + entry;
                }));
      }
      done.add(remember(records, after));
    } else {
      done.add(
          "no enrollment record at "
              + records.path(node)
              + " (enrolled before edgetrust kept them, or not enrolled): no token or secret_id of it"
              + " is known to revoke");
    }
    return new NodeCredentialChange(String.join("; ", done), "");
  }

  private interface VaultStep {
    String run() throws PkiException;
  }

  /** The step's report, or why it failed and what to do; unreachable Vault fails the block. */
  private static String attempt(String what, VaultStep step) throws PkiException {
    try {
      return step.run();
    } catch (PkiException e) {
      return failed(what, e);
    }
  }

  private static String failed(String what, PkiException e) throws PkiException {
    if (e.isRetryable()) {
      throw e;
    }
    return "could NOT "
        + what
        + " ("
        + e.getMessage()
        + "): run ./edgetrust vault setup again (it updates the node-control policy) and block"
        + " again";
  }

  private String revokeTokens(EnrolledNode r) throws PkiException {
    int revoked = 0;
    int gone = 0;
    for (String accessor : r.tokenAccessors()) {
      if (enrollment.revokeToken(accessor)) {
        revoked++;
      } else {
        gone++;
      }
    }
    return "revoked "
        + count(revoked, "token")
        + " by accessor"
        + (gone == 0 ? "" : " (" + count(gone, "other") + " already expired or revoked)");
  }

  private static Optional<EnrolledNode> readQuietly(NodeRecords records, NodeName node)
      throws PkiException {
    try {
      return records.read(node);
    } catch (PkiException e) {
      if (e.isRetryable()) {
        throw e;
      }
      // No state mount (a Vault set up before edgetrust kept records) or an unreadable entry: the
      // block itself must still happen.
      log.warn("cannot read the enrollment record of node {}: {}", node, e.getMessage());
      return Optional.empty();
    }
  }

  /** Keeps the record; a failure is reported, not thrown: the block itself is done. */
  private static String remember(NodeRecords records, EnrolledNode record) {
    try {
      records.write(record);
      return "enrolled parameters kept in " + records.path(record.node()) + " for unblock";
    } catch (PkiException e) {
      return "could not keep the enrolled parameters in "
          + records.path(record.node())
          + " ("
          + e.getMessage()
          + "): run ./edgetrust vault setup again, which enables that mount";
    }
  }

  /** The record with the role's live certificate parameters. */
  private static EnrolledNode withLiveRole(
      Optional<EnrolledNode> recorded, NodeName node, JsonNode role) {
    EnrolledNode base =
        recorded.orElseGet(
            () ->
                new EnrolledNode(
                    node,
                    EnrolledNode.Auth.TOKEN,
                    java.time.Duration.ofHours(24),
                    java.time.Duration.ofHours(72),
                    "ec",
                    256,
                    List.of(),
                    "approle",
                    "cert"));
    try {
      return new EnrolledNode(
          node,
          base.auth(),
          VaultDurations.parse(role.path("ttl"), "ttl"),
          VaultDurations.parse(role.path("max_ttl"), "max_ttl"),
          role.path("key_type").asText(base.keyType()),
          role.path("key_bits").asInt(base.keyBits()),
          base.tokenAccessors(),
          base.appRoleMount(),
          base.certMount());
    } catch (IllegalArgumentException e) {
      return base;
    }
  }

  @Override
  public NodeCredentialChange unblockNode(NodeName node) throws PkiException {
    NodeRecords records = enrollment.records();
    Optional<EnrolledNode> record = readQuietly(records, node);
    PkiRole role = record.map(VaultEnrollment::nodeRole).orElseGet(() -> enrollment.nodeRole(node));
    SetupStep step = VaultSetup.role(VaultEnrollment.roleName(node), role, client, operator, mount);
    client.delete(mount + "/roles/" + BLOCKED_PREFIX + node.value(), operator);
    String done =
        "Vault role "
            + mount
            + "/roles/"
            + VaultEnrollment.roleName(node)
            + (step.outcome() == SetupStep.Outcome.DONE ? " recreated" : " was in place")
            + record
                .map(
                    r ->
                        " as enrolled (ttl "
                            + VaultDurations.format(r.certificateTtl())
                            + ", max ttl "
                            + VaultDurations.format(r.certificateMaxTtl())
                            + ", key "
                            + r.keyType()
                            + " "
                            + r.keyBits()
                            + ", from "
                            + records.path(node)
                            + ")")
                .orElse(
                    " with this CloudHub's defaults: no enrollment record at " + records.path(node))
            + "; block marker removed";
    return new NodeCredentialChange(done, nextStep(node, record));
  }

  /** What the device needs after an unblock: a block revoked every credential it had. */
  static String nextStep(NodeName node, Optional<EnrolledNode> record) {
    EnrolledNode.Auth auth = record.map(EnrolledNode::auth).orElse(EnrolledNode.Auth.TOKEN);
    String enroll =
        "./edgetrust enroll "
            + node
            + " --auth "
            + auth.word()
            + record
                .map(
                    r ->
                        " --ttl "
                            + VaultDurations.format(r.certificateTtl())
                            + " --max-ttl "
                            + VaultDurations.format(r.certificateMaxTtl()))
                .orElse("")
            + " --out DIR (with an operator's Vault token)";
    String what =
        switch (auth) {
          case TOKEN ->
              "the block revoked the device's Vault token: run "
                  + enroll
                  + " and copy DIR/"
                  + "vault-token over the device's token file (read without a restart)";
          case APPROLE ->
              "the block destroyed the device's AppRole secret_ids: run "
                  + enroll
                  + " and copy DIR/secret-id over the device's secret_id file (read without a"
                  + " restart)";
          case CERT ->
              "the block revoked the device's certificates and token and deleted its cert auth"
                  + " entry: run "
                  + enroll
                  + " (recreates the entry) and copy DIR/vault-token over the device's token file;"
                  + " it obtains a first certificate with it and logs in with its certificate"
                  + " after";
        };
    return what + ". Its old certificates stay revoked";
  }

  @Override
  public Set<NodeName> blockedNodes() throws PkiException {
    Set<NodeName> blocked = new TreeSet<>();
    for (String role : client.list(mount + "/roles", operator)) {
      if (role.startsWith(BLOCKED_PREFIX)) {
        try {
          blocked.add(NodeName.of(role.substring(BLOCKED_PREFIX.length())));
        } catch (IllegalArgumentException e) {
          // Not one of ours.
        }
      }
    }
    return blocked;
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
