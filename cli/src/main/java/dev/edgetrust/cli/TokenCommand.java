package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.JoinTokens;
import dev.edgetrust.config.GoDuration;
import dev.edgetrust.config.GoDurationConverter;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.MintedJoinToken;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgetrust token --config cloudcore.yaml [--node NAME] [--ttl DURATION]}: prints a join
 * token, like {@code keadm gettoken}: a shared one, or with {@code --node} one that enrolls that
 * node only, once, from the PKI that mints join tokens (the built-in CA, created first if it does
 * not exist yet).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Print a join token for edge nodes (like keadm gettoken).",
      "Without --node: a shared token, any unused name until it expires.",
      "With --node NAME: a token that enrolls NAME only, and only once."
    })
final class TokenCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      description = "cloudcore.yaml of a CloudHub on the built-in CA")
  Path config;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "Bind the token to this node: one name, one use.")
  String node;

  @Option(
      names = "--ttl",
      converter = GoDurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How long the token is valid (e.g. 1h, 30m). Default: twice tokenRefreshDuration.")
  Duration ttl;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    Optional<String> ownEnrollment = loaded.pki().ownEnrollment();
    if (ownEnrollment.isPresent()) {
      throw new UserErrors.UserException(
          config
              + ": join tokens are the built-in CA's; with pki.provider: "
              + loaded.pki().name()
              + " nodes enroll with the PKI ("
              + ownEnrollment.get()
              + ")");
    }
    CloudHubSettings settings = loaded.hub();
    if (node == null && settings.joinTokens() == JoinTokens.NODE_BOUND) {
      // It would be refused at /edge.crt: say so now, not on the device.
      throw new UserErrors.UserException(
          config
              + " refuses shared tokens (modules.cloudHub.joinTokens: nodeBound); "
              + "mint one per node with --node NAME");
    }
    Duration validity = ttl != null ? ttl : settings.tokenRefreshDuration().multipliedBy(2);
    if (validity.isNegative() || validity.isZero()) {
      throw new UserErrors.UserException(
          "--ttl must be positive, was " + GoDuration.format(validity));
    }
    MintedJoinToken token;
    try (CloudPki pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()))) {
      JoinTokenMinting minting = minting(pki, loaded);
      token =
          node == null
              ? minting.mint(validity)
              : minting.mintFor(NodeCommand.nodeName(node), validity);
    }
    spec.commandLine().getOut().println(token.value());
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().println(describe(token.claims()));
    return 0;
  }

  /** What the token allows, for the operator; never the token. */
  static String describe(JoinTokenClaims claims) {
    if (claims instanceof JoinTokenClaims.NodeBound bound) {
      return "enrolls node "
          + bound.node()
          + " only, once (token id "
          + bound.id()
          + "); valid until "
          + bound.expiresAt();
    }
    return "shared: enrolls any unused node name until " + claims.expiresAt();
  }

  /** The join-token minting of the CloudHub's PKI, or one line saying this PKI mints none. */
  static JoinTokenMinting minting(CloudPki pki, CloudHubConfig.Loaded loaded)
      throws UserErrors.UserException {
    return pki.joinTokens()
        .orElseThrow(
            () ->
                new UserErrors.UserException(
                    loaded.file()
                        + ": pki.provider: "
                        + loaded.pki().name()
                        + " mints no join tokens"));
  }
}
