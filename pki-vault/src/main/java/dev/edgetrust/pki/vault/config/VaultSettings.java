package dev.edgetrust.pki.vault.config;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.GoDuration;
import dev.edgetrust.config.Settings;
import dev.edgetrust.pki.EdgePkiContext;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.vault.config.VaultConfig.AuthMethod;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code modules.edgeHub.vault}, resolved for one node: paths absolute, the role and common name
 * defaulted from the node's name, durations parsed. Made only when {@code enable} is true.
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
    VaultConfig.Window renewalWindow,
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

  /**
   * Resolves {@code modules.edgeHub.vault} for the node of {@code context}; the section has checked
   * its own keys.
   *
   * @return empty if the section is absent or {@code enable} is not true
   * @throws ConfigException naming the file and key
   */
  public static java.util.Optional<VaultSettings> from(EdgePkiContext context)
      throws ConfigException {
    String section = context.section();
    VaultConfig v = context.config().section(section, VaultConfig.class);
    if (!v.enable()) {
      return Optional.empty();
    }
    NodeName node = context.node();
    String key = section + ".";
    String commonName = v.commonName().isEmpty() ? node.commonName() : v.commonName();
    if (!commonName.equals(node.commonName())) {
      throw new ConfigException(
          context.config().file()
              + ": '"
              + key
              + "commonName' is '"
              + VaultConfig.printable(commonName)
              + "', but the CloudHub admits a node only as "
              + NodeName.COMMON_NAME_PREFIX
              + "<node>: set it to "
              + node.commonName()
              + " or remove it");
    }
    Path base = context.baseDirectory();
    AuthMethod method = v.method();
    Optional<AppRole> appRole =
        method == AuthMethod.APPROLE
            ? Optional.of(
                new AppRole(
                    v.approle().mount(),
                    v.approle().roleId(),
                    Settings.resolve(base, v.approle().secretIdFile())))
            : Optional.empty();
    return Optional.of(
        new VaultSettings(
            VaultConfig.vaultAddress(v.address()),
            method,
            v.tokenFile().isEmpty()
                ? Optional.empty()
                : Optional.of(Settings.resolve(base, v.tokenFile())),
            v.role().isEmpty() ? defaultRole(node) : v.role(),
            commonName,
            GoDuration.parse("ttl", v.ttl()),
            v.pki(),
            v.serverCA().isEmpty()
                ? Optional.empty()
                : Optional.of(Settings.resolve(base, v.serverCA())),
            appRole,
            v.cert().mount(),
            v.cert().role().isEmpty() ? Optional.empty() : Optional.of(v.cert().role()),
            v.renewalWindow(),
            GoDuration.parse("recheck", v.recheck())));
  }

  /** Every file holding a secret the node reads for Vault: the token or AppRole secret_id file. */
  public java.util.List<Path> secretFiles() {
    java.util.List<Path> secrets = new java.util.ArrayList<>();
    tokenFile.ifPresent(secrets::add);
    appRole.ifPresent(a -> secrets.add(a.secretIdFile()));
    return java.util.List.copyOf(secrets);
  }

  /** {@code edge-node-<node>}. */
  public static String defaultRole(NodeName node) {
    return ROLE_PREFIX + node.value();
  }

  /** Token auth with the defaults {@code edgetrust enroll} writes: for tests and the demo. */
  public static VaultSettings withToken(
      NodeName node, URI address, Path tokenFile, Optional<Path> serverCa, Duration ttl) {
    return new VaultSettings(
        address,
        AuthMethod.TOKEN,
        Optional.of(tokenFile),
        defaultRole(node),
        node.commonName(),
        ttl,
        VaultConfig.DEFAULT_PKI,
        serverCa,
        Optional.empty(),
        "cert",
        Optional.empty(),
        new VaultConfig.Window(null, null),
        Duration.ofMinutes(1));
  }

  public VaultSettings withRecheck(Duration newRecheck) {
    return new VaultSettings(
        address,
        authMethod,
        tokenFile,
        role,
        commonName,
        ttl,
        pki,
        serverCa,
        appRole,
        certMount,
        certRole,
        renewalWindow,
        newRecheck);
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
