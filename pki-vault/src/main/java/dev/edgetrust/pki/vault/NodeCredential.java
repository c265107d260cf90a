package dev.edgetrust.pki.vault;

import dev.edgetrust.pki.NodeName;
import java.util.Objects;
import java.util.Optional;

/**
 * The Vault credential enrollment made for one node, and the names around it. {@link #toString()}
 * never shows the token or secret_id.
 *
 * @param node the node
 * @param kind a token, or an AppRole role_id + secret_id
 * @param token the token, for {@link Kind#TOKEN}
 * @param roleId the AppRole role_id, for {@link Kind#APPROLE}
 * @param secretId the AppRole secret_id, for {@link Kind#APPROLE}
 * @param accessor the token's accessor, or the secret_id's accessor: what an operator revokes by
 * @param pkiRole the PKI role the node signs with ({@code edge-node-NAME})
 * @param policy the ACL policy the credential carries ({@code edgetrust-node-NAME})
 */
public record NodeCredential(
    NodeName node,
    Kind kind,
    Optional<String> token,
    Optional<String> roleId,
    Optional<String> secretId,
    String accessor,
    String pkiRole,
    String policy) {

  public enum Kind {
    TOKEN,
    APPROLE
  }

  public NodeCredential {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(accessor, "accessor");
    Objects.requireNonNull(pkiRole, "pkiRole");
    Objects.requireNonNull(policy, "policy");
    if (kind == Kind.TOKEN && token.isEmpty()) {
      throw new IllegalArgumentException("a token credential needs its token");
    }
    if (kind == Kind.APPROLE && (roleId.isEmpty() || secretId.isEmpty())) {
      throw new IllegalArgumentException("an AppRole credential needs role_id and secret_id");
    }
  }

  @Override
  public String toString() {
    return "NodeCredential["
        + node
        + ", "
        + kind
        + ", accessor "
        + accessor
        + ", role "
        + pkiRole
        + ", policy "
        + policy
        + roleId.map(r -> ", role_id " + r).orElse("")
        + "]";
  }
}
