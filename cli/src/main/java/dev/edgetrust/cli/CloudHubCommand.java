package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.pki.CloudPki;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetrust cloudhub --config cloudcore.yaml}: runs a CloudHub until stopped. */
@Command(
    name = "cloudhub",
    description = "Run a CloudHub from a KubeEdge cloudcore.yaml (modules.cloudHub).")
final class CloudHubCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "cloudcore.yaml")
  Path config;

  @Override
  public Integer call() throws Exception {
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    CloudHubSettings settings = loaded.hub();
    // The PKI pki.provider names (the built-in CA when absent: an existing cloudcore.yaml is
    // unchanged).
    CountDownLatch stopped = new CountDownLatch(1);
    try (CloudPki pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()));
        CloudHub hub =
            CloudHub.start(
                settings, pki.provider(), new CloudHubListener() {}, Clock.systemUTC())) {
      pki.startBesideCloudHub();
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "edgetrust-shutdown"));
      stopped.await();
    }
    return 0;
  }
}
