package dev.edgetrust.edgehub.config;

import dev.edgetrust.edgehub.RenewalWindow;
import dev.edgetrust.edgehub.config.VaultConfig.AuthMethod;
import dev.edgetrust.pki.NodeName;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code modules.edgeHub.vault}, resolved for one node: paths absolute, the role and common name
 * defaulted from the node's name, durations parsed. Present in {@link EdgeHubSettings#vault()} only
 * when {@code enable} is true.
 *
 * <p>The EdgeHub itself does not talk to Vault (it depends on no PKI): whoever starts it (the CLI)
 * builds a Vault-backed {@code CertificateIssuer} from these settings.
 *
 * @param address Vault's address, without a trailing slash
 * @param authMethod how the node logs in
 * @param tokenFile the node's token: required for token auth, the first certificate's for cert auth
 * @param role the PKI role the node signs with
 * @param commonName always {@code system:node:<node>}
 * @param ttl the certificate lifetime asked for
 * @param pki the PKI engine's mount
 * @param serverCa the CA file for Vault's TLS certificate, if not the JDK's trust store
 * @param appRole the AppRole login, for {@link AuthMethod#APPROLE}
 * @param certMount the cert auth method's mount
 * @param certRole the cert auth entry to log in against, if one is named
 * @param renewalWindow when in a certificate's lifetime it is renewed
 * @param recheck how often to try again after a refusal, and to look the token up
 */
public record VaultSettings(
    URI address,
    AuthMethod authMethod,
    Optional<Path> tokenFile,
    String role,
    String commonName,
    Duration ttl,
    String pki,
    Optional<Path> serverCa,
    Optional<AppRole> appRole,
    String certMount,
    Optional<String> certRole,
    RenewalWindow renewalWindow,
    Duration recheck) {

  /** The role {@code edgetrust enroll NODE} creates for a node, and so the default here. */
  public static final String ROLE_PREFIX = "edge-node-";

  public VaultSettings {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(authMethod, "authMethod");
    tokenFile = tokenFile.map(Path::toAbsolutePath);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(pki, "pki");
    serverCa = serverCa.map(Path::toAbsolutePath);
    Objects.requireNonNull(appRole, "appRole");
    Objects.requireNonNull(certMount, "certMount");
    Objects.requireNonNull(certRole, "certRole");
    Objects.requireNonNull(renewalWindow, "renewalWindow");
    Objects.requireNonNull(recheck, "recheck");
    if (authMethod == AuthMethod.TOKEN && tokenFile.isEmpty()) {
      throw new IllegalArgumentException("token auth needs a token file");
    }
    if (authMethod == AuthMethod.APPROLE && appRole.isEmpty()) {
      throw new IllegalArgumentException("approle auth needs the role_id and secret_id file");
    }
  }

  /** {@code edge-node-<node>}. */
  public static String defaultRole(NodeName node) {
    return ROLE_PREFIX + node.value();
  }

  /**
   * Token auth with the defaults {@code edgetrust enroll} writes: for tests and the demo.
   */
  public static VaultSettings withToken(NodeName node, URI address, Path tokenFile, Optional<Path> serverCa, Duration ttl) {
    return new VaultSettings(address, AuthMethod.TOKEN, Optional.of(tokenFile), defaultRole(node), node.commonName(),
        ttl, VaultConfig.DEFAULT_PKI, serverCa, Optional.empty(), "cert", Optional.empty(),
        new RenewalWindow(VaultConfig.Window.DEFAULT_FROM, VaultConfig.Window.DEFAULT_TO), Duration.ofMinutes(1));
  }

  public VaultSettings withRecheck(Duration newRecheck) {
    return new VaultSettings(address, authMethod, tokenFile, role, commonName, ttl, pki, serverCa, appRole, certMount,
        certRole, renewalWindow, newRecheck);
  }

  /**
   * The AppRole login.
   *
   * @param mount where the method is mounted
   * @param roleId the node's role_id
   * @param secretIdFile the node's secret_id, read at each login
   */
  public record AppRole(String mount, String roleId, Path secretIdFile) {
    public AppRole {
      Objects.requireNonNull(mount, "mount");
      Objects.requireNonNull(roleId, "roleId");
      secretIdFile = secretIdFile.toAbsolutePath();
    }
  }
}
