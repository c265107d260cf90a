package dev.edgetrust.pki;

import dev.edgetrust.config.YamlConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What the EdgeHub's side gives a {@link PkiProviderFactory} for {@link PkiProviderFactory#edge}:
 * the {@code edgecore.yaml} and where the provider's section is, the node, and the node's files
 * (absolute) that the PKI's answers are written to.
 */
public final class EdgePkiContext {
  /** Where every provider's edge section lives: {@code modules.edgeHub.NAME}. */
  public static final String EDGE_SECTION = "modules.edgeHub";

  private final YamlConfig config;
  private final String provider;
  private final NodeName node;
  private final Path caFile;
  private final Path certificateFile;
  private final Path keyFile;
  private final Clock clock;

  private EdgePkiContext(Builder b) {
    this.config = Objects.requireNonNull(b.config, "config");
    this.provider = Objects.requireNonNull(b.provider, "provider");
    this.node = Objects.requireNonNull(b.node, "node");
    this.caFile = Objects.requireNonNull(b.caFile, "caFile").toAbsolutePath();
    this.certificateFile =
        Objects.requireNonNull(b.certificateFile, "certificateFile").toAbsolutePath();
    this.keyFile = Objects.requireNonNull(b.keyFile, "keyFile").toAbsolutePath();
    this.clock = Objects.requireNonNull(b.clock, "clock");
  }

  public static Builder builder(YamlConfig config, String provider, NodeName node) {
    return new Builder(config, provider, node);
  }

  /** The configuration file, for binding {@link #section()} and for messages. */
  public YamlConfig config() {
    return config;
  }

  /** The provider's own section, {@code modules.edgeHub.NAME}. */
  public String section() {
    return EDGE_SECTION + "." + provider;
  }

  /** What relative paths in the section resolve against: the configuration file's directory. */
  public Path baseDirectory() {
    return config.baseDirectory();
  }

  /** The node this EdgeHub runs as ({@code modules.edged.hostnameOverride}, or the host name). */
  public NodeName node() {
    return node;
  }

  /** {@code modules.edgeHub.tlsCaFile}: where the CA chain of each answer goes. */
  public Path caFile() {
    return caFile;
  }

  /** {@code modules.edgeHub.tlsCertFile}: the node's certificate (a PKI may log in with it). */
  public Path certificateFile() {
    return certificateFile;
  }

  /** {@code modules.edgeHub.tlsPrivateKeyFile}: the node's key. */
  public Path keyFile() {
    return keyFile;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "EdgePkiContext[" + config.file() + ", " + section() + ", " + node + "]";
  }

  public static final class Builder {
    private final YamlConfig config;
    private final String provider;
    private final NodeName node;
    private Path caFile;
    private Path certificateFile;
    private Path keyFile;
    private Clock clock = Clock.systemUTC();

    private Builder(YamlConfig config, String provider, NodeName node) {
      this.config = config;
      this.provider = provider;
      this.node = node;
    }

    /** {@code tlsCaFile}, {@code tlsCertFile}, {@code tlsPrivateKeyFile}. */
    public Builder files(Path caFile, Path certificateFile, Path keyFile) {
      this.caFile = caFile;
      this.certificateFile = certificateFile;
      this.keyFile = keyFile;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public EdgePkiContext build() {
      return new EdgePkiContext(this);
    }
  }
}
