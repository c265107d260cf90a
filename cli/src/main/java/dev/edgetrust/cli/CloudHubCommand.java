package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.CloudHubConfig;
import dev.edgetrust.cloudhub.CloudHubListener;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.pki.builtin.JoinTokenFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetrust cloudhub --config cloudcore.yaml}: runs a CloudHub until stopped. */
@Command(name = "cloudhub", description = "Run a CloudHub from a KubeEdge cloudcore.yaml (modules.cloudHub).")
final class CloudHubCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "cloudcore.yaml")
  Path config;

  @Override
  public Integer call() throws Exception {
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    CloudHubSettings settings = loaded.hub();
    // The built-in CA unless pki.provider says otherwise: an existing cloudcore.yaml is unchanged.
    BuiltinCa ca = loaded.pki().isExternal() ? null : builtinCa(settings);
    PkiProvider provider = ca != null ? ca : CloudVault.from(loaded).provider();
    CountDownLatch stopped = new CountDownLatch(1);
    try (CloudHub hub = CloudHub.start(settings, provider, new CloudHubListener() {}, Clock.systemUTC());
        JoinTokenFile tokens =
            settings.joinTokenFile() == null || ca == null
                ? null
                : JoinTokenFile.start(ca, settings.joinTokenFile(), settings.tokenRefreshDuration())) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "edgetrust-shutdown"));
      stopped.await();
    }
    return 0;
  }

  static BuiltinCa builtinCa(CloudHubSettings settings) throws Exception {
    return BuiltinCa.loadOrCreate(
        BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()), Clock.systemUTC());
  }
}
