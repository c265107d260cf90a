package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.CloudHubConfig;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.pki.builtin.JoinToken;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetrust token --config cloudcore.yaml}: prints a join token, like {@code keadm
 * gettoken}. Creates the built-in CA first if it does not exist yet.
 */
@Command(name = "token", description = "Print a join token for edge nodes (like keadm gettoken).")
final class TokenCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "cloudcore.yaml")
  Path config;

  @Override
  public Integer call() throws Exception {
    CloudHubSettings settings = CloudHubConfig.load(config);
    JoinToken token = CloudHubCommand.builtinCa(settings).mintJoinToken(settings.tokenRefreshDuration().multipliedBy(2));
    System.out.println(token.value());
    System.err.println("valid until " + token.expiresAt());
    return 0;
  }
}
