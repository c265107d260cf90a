package dev.edgetrust.pki;

import dev.edgetrust.config.YamlConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CloudHub's side gives a {@link PkiProviderFactory}: the configuration file and where the
 * provider's section is in it, and the CloudHub's own files a PKI may need (the built-in CA keeps
 * its CA in {@code tlsCAFile}/{@code tlsCAKeyFile}; an external PKI's certificate agent writes the
 * server certificate to {@code tlsCertFile}/{@code tlsPrivateKeyFile}). Paths are absolute,
 * resolved against the configuration file's directory.
 */
public final class CloudPkiContext {
  /** Where every provider's cloud section lives: {@code modules.cloudHub.pki.NAME}. */
  public static final String PKI_SECTION = "modules.cloudHub.pki";

  private final YamlConfig config;
  private final String provider;
  private final Path caCertificateFile;
  private final Path caKeyFile;
  private final Path serverCertificateFile;
  private final Path serverKeyFile;
  private final Optional<Path> joinTokenFile;
  private final Duration tokenRefresh;
  private final Clock clock;

  private CloudPkiContext(Builder b) {
    this.config = Objects.requireNonNull(b.config, "config");
    this.provider = Objects.requireNonNull(b.provider, "provider");
    this.caCertificateFile =
        Objects.requireNonNull(b.caCertificateFile, "caCertificateFile").toAbsolutePath();
    this.caKeyFile = Objects.requireNonNull(b.caKeyFile, "caKeyFile").toAbsolutePath();
    this.serverCertificateFile =
        Objects.requireNonNull(b.serverCertificateFile, "serverCertificateFile").toAbsolutePath();
    this.serverKeyFile = Objects.requireNonNull(b.serverKeyFile, "serverKeyFile").toAbsolutePath();
    this.joinTokenFile = b.joinTokenFile.map(Path::toAbsolutePath);
    this.tokenRefresh = Objects.requireNonNull(b.tokenRefresh, "tokenRefresh");
    this.clock = Objects.requireNonNull(b.clock, "clock");
  }

  /**
   * @param config the {@code cloudcore.yaml} the CloudHub was started with
   * @param provider the provider's name, as selected by {@code pki.provider}
   */
  public static Builder builder(YamlConfig config, String provider) {
    return new Builder(config, provider);
  }

  /** The configuration file, for binding {@link #section()} and for messages. */
  public YamlConfig config() {
    return config;
  }

  /**
   * The provider's own section, {@code modules.cloudHub.pki.NAME}: bind it with {@link
   * YamlConfig#section}.
   */
  public String section() {
    return PKI_SECTION + "." + provider;
  }

  /** What relative paths in the section resolve against: the configuration file's directory. */
  public Path baseDirectory() {
    return config.baseDirectory();
  }

  /** {@code modules.cloudHub.tlsCAFile}: the CA nodes and the CloudHub trust. */
  public Path caCertificateFile() {
    return caCertificateFile;
  }

  /**
   * {@code modules.cloudHub.tlsCAKeyFile}: the built-in CA's key; its directory holds the CA's
   * state.
   */
  public Path caKeyFile() {
    return caKeyFile;
  }

  /** {@code modules.cloudHub.tlsCertFile}: the CloudHub's server certificate. */
  public Path serverCertificateFile() {
    return serverCertificateFile;
  }

  /** {@code modules.cloudHub.tlsPrivateKeyFile}: the CloudHub's server key. */
  public Path serverKeyFile() {
    return serverKeyFile;
  }

  /** {@code modules.cloudHub.joinTokenFile}: where to keep a current join token, if anywhere. */
  public Optional<Path> joinTokenFile() {
    return joinTokenFile;
  }

  /** {@code modules.cloudHub.tokenRefreshDuration}: how often a join token is replaced. */
  public Duration tokenRefresh() {
    return tokenRefresh;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "CloudPkiContext[" + config.file() + ", " + section() + "]";
  }

  public static final class Builder {
    private final YamlConfig config;
    private final String provider;
    private Path caCertificateFile;
    private Path caKeyFile;
    private Path serverCertificateFile;
    private Path serverKeyFile;
    private Optional<Path> joinTokenFile = Optional.empty();
    private Duration tokenRefresh = Duration.ofHours(12);
    private Clock clock = Clock.systemUTC();

    private Builder(YamlConfig config, String provider) {
      this.config = Objects.requireNonNull(config, "config");
      this.provider = Objects.requireNonNull(provider, "provider");
    }

    /** {@code tlsCAFile} and {@code tlsCAKeyFile}. */
    public Builder caFiles(Path certificate, Path key) {
      this.caCertificateFile = certificate;
      this.caKeyFile = key;
      return this;
    }

    /** {@code tlsCertFile} and {@code tlsPrivateKeyFile}. */
    public Builder serverFiles(Path certificate, Path key) {
      this.serverCertificateFile = certificate;
      this.serverKeyFile = key;
      return this;
    }

    /** {@code joinTokenFile} (empty: none) and {@code tokenRefreshDuration} (12h). */
    public Builder joinTokens(Optional<Path> file, Duration refresh) {
      this.joinTokenFile = Objects.requireNonNull(file, "file");
      this.tokenRefresh = refresh;
      return this;
    }

    /** The clock certificates and tokens are dated by (the system's UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public CloudPkiContext build() {
      return new CloudPkiContext(this);
    }
  }
}
