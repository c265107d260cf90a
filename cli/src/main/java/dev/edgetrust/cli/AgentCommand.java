package dev.edgetrust.cli;

import dev.edgetrust.agent.CertificateAgent;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.x509.HeldCertificate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetrust agent --config cloudcore.yaml [--once]}: the CloudHub pod's certificate agent.
 * It reads the same file as the CloudHub — where the server key, certificate and CA go ({@code
 * tlsPrivateKeyFile}, {@code tlsCertFile}, {@code tlsCAFile}), which names to put in the
 * certificate ({@code advertiseAddress}, {@code dnsNames}) and how to reach Vault ({@code
 * pki.vault}).
 */
@Command(
    name = "agent",
    description =
        "Keep the CloudHub's server certificate current from Vault (init container: --once).")
final class AgentCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "cloudcore.yaml")
  Path config;

  @Option(
      names = "--once",
      description =
          "Obtain one certificate and exit (for the init container); exit 1 if it cannot.")
  boolean once;

  @Override
  public Integer call() throws Exception {
    CloudHubConfig.Loaded loaded = CloudHubConfig.loadAll(config);
    CloudHubSettings hub = loaded.hub();
    if (!loaded.pki().signsCloudHubCertificate()) {
      throw new UserErrors.UserException(
          loaded.file()
              + ": 'modules.cloudHub.pki.provider' is "
              + loaded.pki().name()
              + "; the certificate agent serves an external PKI (set it to vault, with pki.vault)");
    }
    CloudPki pki = loaded.pki().cloud(loaded.pkiContext(Clock.systemUTC()));
    Duration lifetime =
        pki.serverCertificateLifetime()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PKI "
                            + loaded.pki().name()
                            + " signs the CloudHub's certificate but names no lifetime for it"));
    // The agent replaces the key, but must not keep serving from a directory others may write.
    SecretFiles.requireOwnerOnly(hub.serverKeyFile());
    CertificateAgent agent =
        new CertificateAgent(
            pki.provider(),
            new CertificateAgent.Target(
                hub.serverKeyFile(),
                hub.serverCertificateFile(),
                hub.caCertificateFile(),
                "cloudhub",
                hub.dnsNames(),
                hub.advertiseAddresses(),
                lifetime),
            Clock.systemUTC());
    if (once) {
      HeldCertificate held = agent.renewNow();
      System.out.println(
          "server certificate "
              + held.serialHex()
              + " written to "
              + hub.serverCertificateFile()
              + ", valid until "
              + held.notAfter());
      return 0;
    }
    pki.introduce();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "edgetrust-shutdown"));
    agent.run();
    return 0;
  }
}
