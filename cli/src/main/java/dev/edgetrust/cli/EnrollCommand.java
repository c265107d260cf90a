package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.config.GoDurationConverter;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.NodeEnrollment;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.PkiProviders;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgetrust enroll NODE --out DIR}: device enrollment, one command whatever the PKI. With
 * {@code --config cloudcore.yaml}, on a PKI that mints join tokens (the built-in CA): a join token
 * bound to NODE, usable once. Without: the enrollment of the PKI whose nodes ask it themselves
 * (Vault: the node's role, policy and credential), whose options ({@link NodeEnrollment}) are mixed
 * into this command by {@link PkiOptions}. Either way it writes a ready edge bundle to DIR.
 */
@Command(
    name = "enroll",
    modelTransformer = EnrollCommand.PkiOptions.class,
    mixinStandardHelpOptions = true,
    description = {
      "Enroll an edge node and write the directory it runs from.",
      "The directory (0700) holds its credential (0600), the CA (ca.crt) and an edgecore.yaml.",
      "Then on the node: ./edgetrust edgehub --config DIR/edgecore.yaml",
      "Built-in CA (--config cloudcore.yaml): a join token for NODE only, usable once (file join-token).",
      "Vault (no --config; VAULT_ADDR, VAULT_TOKEN): a role and policy that allow certificates for",
      "system:node:NODE only, and a token (or AppRole secret_id) carrying just that policy. Run",
      "'./edgetrust vault setup' first."
    })
final class EnrollCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "cloudcore.yaml of a CloudHub on the built-in CA: enroll with a node-bound join token instead of Vault.")
  Path config;

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "NODE",
      description = "The node's name (modules.edged.hostnameOverride).")
  String nodeName;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Where to write the bundle (made 0700).")
  Path out;

  @Option(
      names = "--cloudhub",
      defaultValue = "127.0.0.1:10000",
      paramLabel = "HOST:PORT",
      description =
          "The CloudHub's WebSocket address for the node. Default: ${DEFAULT-VALUE}; with --config, "
              + "the first advertiseAddress and the websocket port (the bootstrap URL uses the same host).")
  String cloudhub;

  @Option(
      names = "--token-ttl",
      defaultValue = "72h",
      converter = GoDurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Lifetime of the node's token: on Vault between renewals (the node renews it at 2/3); on the "
              + "built-in CA the time the node has to enroll with it. Default: ${DEFAULT-VALUE}.")
  Duration tokenTtl;

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
    NodeEnrollment enrollment =
        ownEnrollments().stream()
            .findFirst()
            .orElseThrow(
                () ->
                    new UserErrors.UserException(
                        "no PKI here enrolls nodes itself: enroll with a join token, --config cloudcore.yaml"));
    enrollment.enroll(
        new NodeEnrollment.Target(node, out, force, server.authority(), tokenTtl), stdout);
    return 0;
  }

  /** The enrollments mixed into this command, one per PKI whose nodes ask it themselves. */
  private List<NodeEnrollment> ownEnrollments() {
    List<NodeEnrollment> found = new ArrayList<>();
    if (spec != null) {
      spec.mixins()
          .values()
          .forEach(
              m -> {
                if (m.userObject() instanceof NodeEnrollment e) {
                  found.add(e);
                }
              });
    }
    return found;
  }

  /** The PKI-only options given on this command line: refused with --config. */
  private List<String> ownEnrollmentOptions() {
    List<String> matched = new ArrayList<>();
    if (spec == null) {
      return matched;
    }
    for (CommandLine.Model.CommandSpec mixin : spec.mixins().values()) {
      if (mixin.userObject() instanceof NodeEnrollment e) {
        for (CommandLine.Model.OptionSpec option : mixin.options()) {
          if (matched(option.longestName())) {
            matched.add(option.longestName() + " is for enrollment with " + e.title());
          }
        }
      }
    }
    return matched;
  }

  /**
   * Mixes each installed PKI's enrollment options into {@code enroll}, under the PKI's name: the
   * CLI knows the PKI only through its factory.
   */
  static final class PkiOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
      for (PkiProviderFactory factory : PkiProviders.installed().all()) {
        Optional<NodeEnrollment> enrollment = factory.enrollment();
        if (enrollment.isPresent()) {
          spec.addMixin(
              factory.name(), CommandLine.Model.CommandSpec.forAnnotatedObject(enrollment.get()));
        }
      }
      return spec;
    }
  }

  /**
   * The built-in CA's enrollment: a join token for NODE alone, minted from the CA files the
   * cloudcore.yaml names (as {@code token} does), and a bundle the node runs from.
   */
  private int enrollOnBuiltinCa() throws Exception {
    List<String> refused = ownEnrollmentOptions();
    if (!refused.isEmpty()) {
      throw new UserErrors.UserException(
          refused.get(0)
              + "; with --config (built-in CA) the node gets a node-bound join "
              + "token, and certificate lifetimes come from modules.cloudHub.edgeCertSigningDuration");
    }
    NodeName node = checked("NODE", () -> NodeName.of(nodeName));
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    Optional<String> ownEnrollment = loaded.pki().ownEnrollment();
    if (ownEnrollment.isPresent()) {
      throw new UserErrors.UserException(
          config
              + " runs the CloudHub on pki.provider: "
              + loaded.pki().name()
              + "; enroll its nodes with the PKI: drop --config, "
              + ownEnrollment.get());
    }
    CloudHubSettings settings = loaded.hub();
    if (!settings.https().enabled()) {
      throw new UserErrors.UserException(
          config
              + ": the bootstrap listener is off (modules.cloudHub.https.enable: "
              + "false), so no node can enroll with a token; turn it on");
    }
    String host = settings.advertiseAddresses().get(0).getHostAddress();
    ServerAddress websocket =
        matched("--cloudhub")
            ? checked("--cloudhub", () -> ServerAddress.parse(cloudhub))
            : new ServerAddress(host, settings.websocket().port());
    URI bootstrap =
        URI.create("https://" + hostForUri(websocket.host()) + ":" + settings.https().port());
    BuiltinEdgeBundle.Written written;
    try (CloudPki pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()))) {
      JoinTokenMinting ca = TokenCommand.minting(pki, loaded);
      stdout.println(
          "join tokens of "
              + config
              + " (pki.provider: "
              + loaded.pki().name()
              + "): enrolling node "
              + node);
      written =
          BuiltinEdgeBundle.write(
              ca, node, out, force, new BuiltinEdgeBundle.Options(websocket, bootstrap, tokenTtl));
    }
    stdout.printf(
        "  %-14s %s%n",
        "done",
        "join token for "
            + node
            + " only, usable once (token id "
            + written.token().id()
            + ", valid until "
            + written.token().expiresAt()
            + ")");
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
