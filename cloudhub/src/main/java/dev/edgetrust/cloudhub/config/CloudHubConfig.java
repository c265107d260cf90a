package dev.edgetrust.cloudhub.config;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.PkiProviders;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Reads a {@code cloudcore.yaml}: {@code modules.cloudHub} bound to {@link CloudHubSettings} (whose
 * javadoc lists the keys and what edgetrust adds to KubeEdge's), and the PKI its {@code pki}
 * section names.
 */
public final class CloudHubConfig {
  /** Where the CloudHub's section is in {@code cloudcore.yaml}. */
  public static final String SECTION = "modules.cloudHub";

  private CloudHubConfig() {}

  /**
   * Loads {@code modules.cloudHub} from a {@code cloudcore.yaml}.
   *
   * @throws ConfigException naming the file and key of the first problem
   */
  public static CloudHubSettings load(Path file) throws ConfigException {
    return loadAll(file).hub();
  }

  /**
   * {@code modules.cloudHub} with the PKI its {@code pki} section selects, which the CloudHub
   * itself does not use: whoever starts it makes the provider with {@link
   * PkiProviderFactory#cloud}({@link #pkiContext}).
   *
   * @param pki the PKI {@code pki.provider} names (the built-in CA when absent), found by name
   * @param yaml the file, for the provider's own section {@code modules.cloudHub.pki.NAME}
   */
  public record Loaded(CloudHubSettings hub, PkiProviderFactory pki, YamlConfig yaml) {
    public Path file() {
      return yaml.file();
    }

    /**
     * What the provider's factory gets: the file, its section, the CloudHub's CA and server files.
     */
    public CloudPkiContext pkiContext(Clock clock) {
      return CloudPkiContext.builder(yaml, pki.name())
          .caFiles(hub.caCertificateFile(), hub.caKeyFile())
          .serverFiles(hub.serverCertificateFile(), hub.serverKeyFile())
          .joinTokens(hub.joinTokenFile(), hub.tokenRefreshDuration())
          .clock(clock)
          .build();
    }
  }

  /**
   * Loads {@code modules.cloudHub} and finds the PKI {@code pki.provider} names among the {@link
   * PkiProviders#installed()} ones.
   *
   * @throws ConfigException naming the file and key of the first problem; an unknown provider's
   *     message lists the known ones
   */
  public static Loaded loadAll(Path file) throws ConfigException {
    return loadAll(file, PkiProviders.installed());
  }

  public static Loaded loadAll(Path file, PkiProviders providers) throws ConfigException {
    YamlConfig yaml = YamlConfig.read(file);
    CloudHubSettings hub = yaml.section(SECTION, CloudHubSettings.class);
    return new Loaded(hub, providers.cloudProvider(yaml), yaml);
  }
}
