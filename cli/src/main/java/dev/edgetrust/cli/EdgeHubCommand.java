package dev.edgetrust.cli;

import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubStatus;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetrust edgehub --config edgecore.yaml}: runs an EdgeHub until stopped. */
@Command(
    name = "edgehub",
    subcommands = GatewayTokenCommand.class,
    description = {
      "Run an EdgeHub from a KubeEdge edgecore.yaml (modules.edgeHub).",
      "With modules.edgeHub.vault.enable: true, its certificates come from HashiCorp Vault.",
      "With modules.edgeHub.gateway.enable: true, it also serves a local stock edgecore on 127.0.0.1."
    })
final class EdgeHubCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("edgehub");

  // Not required by picocli: 'edgehub gateway-token --config F' must parse without it.
  @Option(names = "--config", description = "edgecore.yaml")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      throw new UserErrors.UserException(
          "edgehub needs --config edgecore.yaml (see 'edgetrust edgehub --help')");
    }
    EdgeHubSettings settings = EdgeHubSettings.load(config);
    CountDownLatch stopped = new CountDownLatch(1);
    // modules.edgeHub.NAME enabled (vault): certificates from that PKI; the EdgeHub gets the issuer
    // wired here.
    Optional<EdgePkiWiring> pki = EdgePkiWiring.start(settings);
    try {
      EdgeHub.Builder builder = EdgeHub.builder(settings).onStatus(new StatusLog()::changed);
      pki.ifPresent(p -> builder.issuer(p.issuer()));
      try (EdgeHub hub = builder.build()) {
        hub.start();
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "edgetrust-shutdown"));
        stopped.await();
      }
    } finally {
      pki.ifPresent(EdgePkiWiring::close);
    }
    return 0;
  }

  /**
   * One line per change of state or certificate, not per heartbeat; the EdgeHub logs the reasons.
   */
  private static final class StatusLog {
    private String last = "";

    synchronized void changed(EdgeHubStatus s) {
      String line =
          "node "
              + s.node()
              + ": "
              + s.state()
              + s.certificateSerial().map(serial -> ", certificate " + serial).orElse("")
              + s.certificateNotAfter().map(t -> " valid until " + t).orElse("")
              + (s.rotations() > 0 ? ", rotations " + s.rotations() : "");
      if (!line.equals(last)) {
        last = line;
        log.info(line);
      }
    }
  }
}
