package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.CloudHubConfig;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.vault.config.VaultConfig;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.vault.NodeCredential;
import dev.edgetrust.pki.vault.VaultConnection;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgetrust enroll NODE --out DIR}: device enrollment, one command whatever the PKI. On
 * Vault (the form without {@code --config}): creates the node's role and policy (certificates for
 * {@code system:node:NODE} only) and a credential carrying only that policy. On the built-in CA
 * ({@code --config cloudcore.yaml}): mints a join token bound to NODE, usable once. Either way it
 * writes a ready edge bundle to DIR.
 */
@Command(
    name = "enroll",
    mixinStandardHelpOptions = true,
    description = {
      "Enroll an edge node and write a directory it runs from (0700): its credential (0600), the CA (ca.crt)",
      "and an edgecore.yaml. Then on the node: ./edgetrust edgehub --config DIR/edgecore.yaml",
      "Built-in CA (--config cloudcore.yaml): a join token for NODE only, usable once (file join-token).",
      "Vault (no --config; VAULT_ADDR, VAULT_TOKEN): a role and policy that allow certificates for",
      "system:node:NODE only, and a token (or AppRole secret_id) carrying just that policy. Run",
      "'./edgetrust vault setup' first."
    })
final class EnrollCommand implements Callable<Integer> {
  /** The options that only mean something to Vault enrollment. */
  private static final List<String> VAULT_ONLY =
      List.of("--address", "--token-file", "--ca-cert", "--auth", "--pki", "--ttl", "--max-ttl", "--node-vault-address");

  @Option(names = "--config", paramLabel = "FILE",
      description = "cloudcore.yaml of a CloudHub on the built-in CA: enroll with a node-bound join token instead of Vault.")
  Path config;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin VaultOptions vault = new VaultOptions();

  @Parameters(index = "0", paramLabel = "NODE", description = "The node's name (modules.edged.hostnameOverride).")
  String nodeName;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the bundle (made 0700).")
  Path out;

  @Option(names = "--cloudhub", defaultValue = "127.0.0.1:10000", paramLabel = "HOST:PORT",
      description = "The CloudHub's WebSocket address for the node. Default: ${DEFAULT-VALUE}; with --config, "
          + "the first advertiseAddress and the websocket port (the bootstrap URL uses the same host).")
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
      description = "Lifetime of the node's token: on Vault between renewals (the node renews it at 2/3); on the "
          + "built-in CA the time the node has to enroll with it. Default: ${DEFAULT-VALUE}.")
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
    if (config != null) {
      return enrollOnBuiltinCa();
    }
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

  /**
   * The built-in CA's enrollment: a join token for NODE alone, minted from the CA files the
   * cloudcore.yaml names (as {@code token} does), and a bundle the node runs from.
   */
  private int enrollOnBuiltinCa() throws Exception {
    for (String option : VAULT_ONLY) {
      if (matched(option)) {
        throw new UserErrors.UserException(option + " is for enrollment with Vault; with --config (built-in CA) the "
            + "node gets a node-bound join token, and certificate lifetimes come from modules.cloudHub.edgeCertSigningDuration");
      }
    }
    NodeName node = checked("NODE", () -> NodeName.of(nodeName));
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    Optional<String> ownEnrollment = loaded.pki().ownEnrollment();
    if (ownEnrollment.isPresent()) {
      throw new UserErrors.UserException(config + " runs the CloudHub on pki.provider: " + loaded.pki().name()
          + "; enroll its nodes with the PKI: drop --config, " + ownEnrollment.get());
    }
    CloudHubSettings settings = loaded.hub();
    if (settings.httpsAddress() == null) {
      throw new UserErrors.UserException(config + ": the bootstrap listener is off (modules.cloudHub.https.enable: "
          + "false), so no node can enroll with a token; turn it on");
    }
    String host = settings.advertiseAddresses().get(0).getHostAddress();
    ServerAddress websocket = matched("--cloudhub")
        ? checked("--cloudhub", () -> ServerAddress.parse(cloudhub))
        : new ServerAddress(host, settings.websocketPort());
    URI bootstrap = URI.create("https://" + hostForUri(websocket.host()) + ":" + settings.httpsPort());
    BuiltinEdgeBundle.Written written;
    try (CloudPki pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()))) {
      JoinTokenMinting ca = pki.joinTokens().orElseThrow(() -> new UserErrors.UserException(
          config + ": pki.provider: " + loaded.pki().name() + " mints no join tokens"));
      stdout.println("built-in CA of " + config + ": enrolling node " + node);
      written = BuiltinEdgeBundle.write(ca, node, out, force, new BuiltinEdgeBundle.Options(websocket, bootstrap, tokenTtl));
    }
    stdout.printf("  %-14s %s%n", "done", "join token for " + node + " only, usable once (token id "
        + written.token().id() + ", valid until " + written.token().expiresAt() + ")");
    stdout.println("Wrote " + written.dir() + " (0700): " + String.join(", ", written.files()));
    stdout.println("On the node: ./edgetrust edgehub --config " + written.edgecore());
    return 0;
  }

  private boolean matched(String option) {
    CommandLine.ParseResult parsed = spec == null ? null : spec.commandLine().getParseResult();
    return parsed != null && parsed.hasMatchedOption(option);
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
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
