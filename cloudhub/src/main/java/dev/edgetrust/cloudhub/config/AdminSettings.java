package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.IpAddress;
import dev.edgetrust.config.PortDeserializer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code admin}: the admin API (node list/block/unblock), its own server identity, and how callers
 * authenticate to it. Off unless {@code enable} is true.
 *
 * @param enable whether it listens (false unless written true)
 * @param address where it listens: 127.0.0.1 unless written
 * @param port 10004 unless written; 0 for any free one
 * @param tokenFile {@code tokenFile}: a file holding the bearer token
 * @param clientCaFile the CA certificates admin client certificates must chain to
 * @param serverCertificateFile {@code serverCertFile}: the admin API's own self-signed server
 *     certificate, which the CloudHub makes at first start and the CLI pins; its key is {@link
 *     #serverKeyFile()}. Default {@code admin/server.crt} in the {@linkplain
 *     CloudHubSettings#stateDirectory() state directory}, which {@link CloudHubSettings} fills in
 */
public record AdminSettings(
    Boolean enable,
    @JsonDeserialize(using = IpAddress.LiteralDeserializer.class) String address,
    @JsonDeserialize(using = PortDeserializer.class) Integer port,
    Optional<Path> tokenFile,
    @JsonProperty("clientCAFile") Optional<Path> clientCaFile,
    @JsonProperty("serverCertFile") Path serverCertificateFile) {
  public static final int PORT = 10004;

  /** The API off. */
  public static final AdminSettings OFF =
      new AdminSettings(false, null, null, Optional.empty(), Optional.empty(), null);

  public AdminSettings {
    enable = enable != null && enable;
    address = Objects.requireNonNullElse(address, "127.0.0.1");
    port = Objects.requireNonNullElse(port, PORT);
    tokenFile = Objects.requireNonNullElse(tokenFile, Optional.empty());
    clientCaFile = Objects.requireNonNullElse(clientCaFile, Optional.empty());
    if (enable && tokenFile.isEmpty() && clientCaFile.isEmpty()) {
      throw new IllegalArgumentException(
          "'enable' is true but neither 'tokenFile' nor 'clientCAFile' is set: "
              + "nothing could authenticate to the admin API");
    }
  }

  /**
   * On at {@code address}:{@code port} with its server certificate in {@code
   * serverCertificateFile}, authenticating callers by a bearer token, a client certificate, or
   * either.
   */
  public static AdminSettings on(
      String address,
      int port,
      Optional<Path> tokenFile,
      Optional<Path> clientCaFile,
      Path serverCertificateFile) {
    return new AdminSettings(true, address, port, tokenFile, clientCaFile, serverCertificateFile);
  }

  public boolean enabled() {
    return enable;
  }

  /** The server certificate not written in the configuration, in {@code stateDirectory}. */
  AdminSettings withDefaultsIn(Path stateDirectory) {
    return new AdminSettings(
        enable,
        address,
        port,
        tokenFile,
        clientCaFile,
        Objects.requireNonNullElse(
            serverCertificateFile, defaultServerCertificateFile(stateDirectory)));
  }

  /** The admin server certificate in {@code dir}: {@code admin/server.crt}, its key beside it. */
  public static Path defaultServerCertificateFile(Path stateDirectory) {
    return stateDirectory.resolve("admin").resolve("server.crt");
  }

  /**
   * The key of {@link #serverCertificateFile()}: beside it, named like it with {@code .key} for its
   * {@code .crt}/{@code .pem} (or {@code .key} appended). One key in the configuration, because the
   * CLI needs only the certificate.
   */
  public Path serverKeyFile() {
    String name = serverCertificateFile.getFileName().toString();
    String stem =
        name.endsWith(".crt") || name.endsWith(".pem")
            ? name.substring(0, name.length() - 4)
            : name;
    return serverCertificateFile.resolveSibling(stem + ".key");
  }

  /**
   * The address the CLI dials, which the admin server certificate names: the listen address, or
   * loopback for a wildcard (nothing can dial 0.0.0.0).
   */
  public String dialAddress() {
    return switch (address) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "0:0:0:0:0:0:0:0" -> "::1";
      default -> address;
    };
  }
}
