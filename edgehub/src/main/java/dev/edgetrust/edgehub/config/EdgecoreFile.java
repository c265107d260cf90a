package dev.edgetrust.edgehub.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.pki.EdgePki;
import dev.edgetrust.pki.EdgePkiContext;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.PkiProviders;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@link EdgeHubSettings} from an {@code edgecore.yaml}: {@code modules.edgeHub} bound to its
 * builder, the node's name from {@code modules.edged}, and the PKI whose own section under {@code
 * modules.edgeHub} is enabled (read by that provider, through the provider seam).
 */
final class EdgecoreFile {
  private static final String SECTION = "modules.edgeHub";
  private static final String HOSTNAME_OVERRIDE = "modules.edged.hostnameOverride";

  private EdgecoreFile() {}

  static EdgeHubSettings load(Path file) throws ConfigException {
    return from(YamlConfig.read(file), PkiProviders.installed());
  }

  /**
   * As {@link #load(Path)}, from a file already read, with these PKIs: each reads its own section
   * {@code modules.edgeHub.NAME}, which the EdgeHub leaves to it.
   */
  static EdgeHubSettings from(YamlConfig yaml, PkiProviders providers) throws ConfigException {
    EdgeHubSettings.Builder section =
        yaml.section(SECTION, EdgeHubSettings.Builder.class, Set.copyOf(providers.names()));
    EdgeHubSettings settings;
    try {
      settings = section.source(yaml.file().toString()).nodeName(nodeName(yaml)).build();
    } catch (IllegalArgumentException e) {
      throw yaml.refusal(SECTION, e);
    }
    return settings.toBuilder().pki(edgePki(yaml, settings, providers)).build();
  }

  /**
   * The PKI whose section {@code modules.edgeHub.NAME} is enabled, bound and checked by its
   * factory; empty when none is (the node enrolls through the CloudHub's bootstrap).
   */
  private static Optional<EdgePki> edgePki(
      YamlConfig yaml, EdgeHubSettings settings, PkiProviders providers) throws ConfigException {
    Optional<EdgePki> enabled = Optional.empty();
    for (PkiProviderFactory factory : providers.all()) {
      EdgePkiContext context =
          EdgePkiContext.builder(yaml, factory.name(), settings.nodeName())
              .files(settings.caFile(), settings.certificateFile(), settings.privateKeyFile())
              .build();
      Optional<EdgePki> edge = factory.edge(context);
      if (edge.isPresent() && enabled.isPresent()) {
        throw new ConfigException(
            yaml.file()
                + ": '"
                + SECTION
                + "."
                + enabled.get().provider()
                + "' and '"
                + context.section()
                + "' are both enabled; a node takes its certificates from one PKI");
      }
      enabled = edge.isPresent() ? edge : enabled;
    }
    return enabled;
  }

  private static NodeName nodeName(YamlConfig yaml) throws ConfigException {
    JsonNode override = yaml.node(HOSTNAME_OVERRIDE);
    String name;
    String origin;
    if (override.isMissingNode()
        || override.isNull()
        || (override.isTextual() && override.asText().isBlank())) {
      name = hostName();
      origin = "the host name (set '" + HOSTNAME_OVERRIDE + "' to choose another)";
    } else if (override.isTextual()) {
      name = override.asText().strip();
      origin = "'" + HOSTNAME_OVERRIDE + "'";
    } else {
      throw new ConfigException(yaml.file() + ": '" + HOSTNAME_OVERRIDE + "' must be a string");
    }
    try {
      return NodeName.of(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(yaml.file() + ": node name from " + origin + ": " + e.getMessage());
    }
  }

  /** The host name, lowercased, as KubeEdge's {@code util.GetHostname()} reports it. */
  static String hostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        return Files.readString(kernel).strip().toLowerCase(Locale.ROOT);
      }
    } catch (IOException e) {
      // fall through to the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName().strip().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "";
    }
  }
}
