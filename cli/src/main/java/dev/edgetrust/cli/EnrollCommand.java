package dev.edgetrust.cli;

import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.config.VaultConfig;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.vault.NodeCredential;
import dev.edgetrust.pki.vault.VaultConnection;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edgetrust enroll NODE --out DIR}: device enrollment against Vault. Creates the node's
 * role and policy (certificates for {@code system:node:NODE} only) and a credential carrying only
 * that policy, and writes a ready edge bundle to DIR.
 */
@Command(
    name = "enroll",
    description = {
      "Enroll an edge node with Vault: a role and policy that allow certificates for system:node:NODE only,",
      "a token (or AppRole secret_id) carrying just that policy, and a directory the node runs from:",
      "the credential (0600), Vault's CA bundle (ca.crt) and an edgecore.yaml with Vault enabled.",
      "Run './edgetrust vault setup' first. Then on the node: ./edgetrust edgehub --config DIR/edgecore.yaml"
    })
final class EnrollCommand implements Callable<Integer> {
  @Mixin VaultOptions vault = new VaultOptions();

  @Parameters(index = "0", paramLabel = "NODE", description = "The node's name (modules.edged.hostnameOverride).")
  String nodeName;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the bundle (made 0700).")
  Path out;

  @Option(names = "--cloudhub", defaultValue = "127.0.0.1:10000", paramLabel = "HOST:PORT",
      description = "The CloudHub's WebSocket address for the node. Default: ${DEFAULT-VALUE}.")
  String cloudhub;

  @Option(names = "--auth", defaultValue = "token", paramLabel = "token|approle",
      description = "The node's Vault credential: a token, or an AppRole role_id + secret_id (needs 'vault setup --approle'). Default: ${DEFAULT-VALUE}.")
  String auth;

  @Option(names = "--pki", defaultValue = "pki", paramLabel = "MOUNT", description = "PKI secrets engine mount. Default: ${DEFAULT-VALUE}.")
  String mount;

  @Option(names = "--ttl", defaultValue = "24h", converter = GoDurationConverter.class, paramLabel = "DURATION",
      description = "Lifetime of the node's certificates. Default: ${DEFAULT-VALUE}.")
  Duration ttl;

  @Option(names = "--max-ttl", defaultValue = "72h", converter = GoDurationConverter.class, paramLabel = "DURATION",
      description = "The node role's cap on a certificate's lifetime. Default: ${DEFAULT-VALUE}.")
  Duration maxTtl;

  @Option(names = "--token-ttl", defaultValue = "72h", converter = GoDurationConverter.class, paramLabel = "DURATION",
      description = "Lifetime of the node's token between renewals (the node renews it at 2/3). Default: ${DEFAULT-VALUE}.")
  Duration tokenTtl;

  @Option(names = "--node-vault-address", paramLabel = "URL",
      description = "Vault's address as the node reaches it, if not the one used here.")
  String nodeVaultAddress;

  @Option(names = "--force", description = "Overwrite the bundle in a non-empty DIR.")
  boolean force;

  /** Where the report goes; standard output unless a test sets another. */
  PrintStream stdout = System.out;

  @Override
  public Integer call() throws Exception {
    NodeName node = checked("NODE", () -> NodeName.of(nodeName));
    ServerAddress server = checked("--cloudhub", () -> ServerAddress.parse(cloudhub));
    EdgeBundle.Auth method = checked("--auth", () -> switch (auth.strip().toLowerCase(Locale.ROOT)) {
      case "token" -> EdgeBundle.Auth.TOKEN;
      case "approle" -> EdgeBundle.Auth.APPROLE;
      default -> throw new IllegalArgumentException("must be token or approle, not '" + auth + "'");
    });
    if (ttl.compareTo(VaultConfig.MIN_TTL) < 0) {
      throw new UserErrors.UserException("--ttl must be at least 10s (the node refuses shorter lifetimes)");
    }
    VaultOptions.Session session = vault.connect();
    URI nodeAddress;
    try {
      nodeAddress = nodeVaultAddress == null
          ? session.client().connection().address()
          : VaultConnection.builder(nodeVaultAddress).build().address();
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException("--node-vault-address: " + e.getMessage());
    }
    EdgeBundle.Options options;
    try {
      options = new EdgeBundle.Options(mount, method, ttl, maxTtl, tokenTtl, server, nodeAddress,
          session.client().connection().serverCa());
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(e.getMessage());
    }
    stdout.println("Vault at " + session.client().connection().address() + ": enrolling node " + node);
    EdgeBundle.Written written = EdgeBundle.enroll(session.client(), session.operator(), node, out, force, options);
    SetupSteps.print(stdout, written.steps());
    NodeCredential c = written.credential();
    stdout.printf("  %-14s %s%n", "done",
        (c.kind() == NodeCredential.Kind.TOKEN ? "token" : "AppRole secret_id") + " for " + node + " (accessor "
            + c.accessor() + ", policy " + c.policy() + ")");
    stdout.println("Wrote " + written.dir() + " (0700): " + String.join(", ", written.files()));
    stdout.println("On the node: ./edgetrust edgehub --config " + written.edgecore());
    return 0;
  }

  /** A value from {@code parse}, or a one-line error naming {@code what}. */
  private static <T> T checked(String what, Supplier<T> parse) throws UserErrors.UserException {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(what + ": " + e.getMessage());
    }
  }
}
