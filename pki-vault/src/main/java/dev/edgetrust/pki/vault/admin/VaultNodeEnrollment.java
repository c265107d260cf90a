package dev.edgetrust.pki.vault.admin;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.GoDurationConverter;
import dev.edgetrust.pki.NodeEnrollment;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.EnrolledNode;
import dev.edgetrust.pki.vault.NodeCredential;
import dev.edgetrust.pki.vault.config.VaultConfig;
import dev.edgetrust.pki.vault.http.VaultConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Vault's part of {@code edgetrust enroll NODE --out DIR} (the form without {@code --config}):
 * creates the node's role and policy (certificates for {@code system:node:NODE} only) and a
 * credential carrying only that policy, and writes the bundle the node runs from. Its options are
 * mixed into the CLI's {@code enroll}.
 */
public final class VaultNodeEnrollment implements NodeEnrollment {
  @Mixin public VaultOptions vault = new VaultOptions();

  @Option(
      names = "--auth",
      defaultValue = "token",
      paramLabel = "token|approle|cert",
      description =
          "The node's Vault credential: a token, an AppRole role_id + secret_id (needs 'vault setup --approle'), or its own certificate after a first one obtained with a token (needs 'vault setup --cert-auth'). Default: ${DEFAULT-VALUE}.")
  String auth;

  @Option(
      names = "--secret-id-ttl",
      defaultValue = "720h",
      converter = GoDurationConverter.class,
      paramLabel = "DURATION",
      description =
          "With --auth approle: how long the secret_id can log in. Default: ${DEFAULT-VALUE}.")
  Duration secretIdTtl;

  @Option(
      names = "--secret-id-uses",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "With --auth approle: how many logins the secret_id allows; 0 for no limit (the TTL still"
              + " applies). Default: ${DEFAULT-VALUE}.")
  int secretIdUses;

  @Option(
      names = "--pki",
      defaultValue = "pki",
      paramLabel = "MOUNT",
      description = "PKI secrets engine mount. Default: ${DEFAULT-VALUE}.")
  String mount;

  @Option(
      names = "--ttl",
      defaultValue = "24h",
      converter = GoDurationConverter.class,
      paramLabel = "DURATION",
      description = "Lifetime of the node's certificates. Default: ${DEFAULT-VALUE}.")
  Duration ttl;

  @Option(
      names = "--max-ttl",
      defaultValue = "72h",
      converter = GoDurationConverter.class,
      paramLabel = "DURATION",
      description = "The node role's cap on a certificate's lifetime. Default: ${DEFAULT-VALUE}.")
  Duration maxTtl;

  @Option(
      names = "--node-vault-address",
      paramLabel = "URL",
      description = "Vault's address as the node reaches it, if not the one used here.")
  String nodeVaultAddress;

  @Override
  public String title() {
    return "Vault";
  }

  @Override
  public void enroll(Target target, PrintStream stdout)
      throws ConfigException, PkiException, IOException {
    EnrolledNode.Auth method;
    try {
      method = EnrolledNode.Auth.of(auth.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--auth: " + e.getMessage());
    }
    if (secretIdUses < 0) {
      throw new ConfigException(
          "--secret-id-uses must be 0 (no limit) or more, not " + secretIdUses);
    }
    if (ttl.compareTo(VaultConfig.MIN_TTL) < 0) {
      throw new ConfigException("--ttl must be at least 10s (the node refuses shorter lifetimes)");
    }
    VaultOptions.Session session = vault.connect();
    URI nodeAddress;
    try {
      nodeAddress =
          nodeVaultAddress == null
              ? session.client().connection().address()
              : VaultConnection.builder(nodeVaultAddress).build().address();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--node-vault-address: " + e.getMessage());
    }
    EdgeBundle.Options options;
    try {
      options =
          new EdgeBundle.Options(
              mount,
              method,
              ttl,
              maxTtl,
              target.credentialTtl(),
              target.cloudhub(),
              nodeAddress,
              session.client().connection().serverCa(),
              secretIdTtl,
              secretIdUses);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    stdout.println(
        "Vault at "
            + session.client().connection().address()
            + ": enrolling node "
            + target.node());
    EdgeBundle.Written written =
        EdgeBundle.enroll(
            session.client(),
            session.operator(),
            target.node(),
            target.directory(),
            target.force(),
            options);
    SetupSteps.print(stdout, written.steps());
    NodeCredential c = written.credential();
    stdout.printf(
        "  %-14s %s%n",
        "done",
        (method == EnrolledNode.Auth.CERT
                ? "certificate login (auth/cert) and a token for the first certificate"
                : c.kind() == NodeCredential.Kind.TOKEN ? "token" : "AppRole secret_id")
            + " for "
            + target.node()
            + " (accessor "
            + c.accessor()
            + ", policy "
            + c.policy()
            + ")");
    stdout.println("Wrote " + written.dir() + " (0700): " + String.join(", ", written.files()));
    stdout.println("On the node: ./edgetrust edgehub --config " + written.edgecore());
  }
}
