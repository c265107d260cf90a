package dev.edgetrust.cli;

import dev.edgetrust.config.GoDurationConverter;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.edgehub.gateway.EdgeGateway;
import dev.edgetrust.edgehub.gateway.GatewayException;
import dev.edgetrust.edgehub.gateway.LocalCa;
import dev.edgetrust.edgehub.gateway.LocalJoinTokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgetrust edgehub gateway-token --config edgecore.yaml [--ttl DURATION]}: prints a join
 * token of the edge gateway's local CA for the local edgecore's {@code modules.edgeHub.token}. The
 * same kind of token the gateway writes to {@code <gateway.directory>/token} at every start.
 */
@Command(
    name = "gateway-token",
    description = {
      "Print a join token for the local edgecore served by modules.edgeHub.gateway (its local CA).",
      "Put it in the local edgecore.yaml as modules.edgeHub.token; it is a secret: never log it."
    })
final class GatewayTokenCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      description = "the EdgeHub's edgecore.yaml (with modules.edgeHub.gateway)")
  Path config;

  @Option(
      names = "--ttl",
      converter = GoDurationConverter.class,
      paramLabel = "DURATION",
      description = "how long the token may be used to join (default 24h)")
  Duration ttl;

  @Override
  public Integer call() throws Exception {
    EdgeHubSettings settings = EdgeHubSettings.load(config);
    GatewaySettings gateway =
        settings
            .gateway()
            .orElseThrow(
                () ->
                    new UserErrors.UserException(
                        config
                            + ": 'modules.edgeHub.gateway.enable' is not true: there is no local gateway to make a token for"));
    Duration validity = ttl != null ? ttl : EdgeGateway.TOKEN_LIFETIME;
    if (validity.isNegative() || validity.isZero()) {
      throw new UserErrors.UserException("--ttl must be positive");
    }
    LocalCa ca;
    try {
      ca = LocalCa.loadOrCreate(gateway, settings.nodeName(), Clock.systemUTC());
    } catch (GatewayException e) {
      throw new UserErrors.UserException(config + ": " + e.getMessage());
    }
    spec.commandLine()
        .getOut()
        .println(LocalJoinTokens.mint(ca, Clock.systemUTC().instant().plus(validity)).value());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
