package dev.edgetrust.cloudhub;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a running CloudHub needs, typed and resolved: paths absolute, durations as durations, a
 * listener address of {@code null} meaning that listener is off, port 0 meaning "any free port".
 *
 * @param edgeCertSigningDuration lifetime of node certificates the built-in CA signs
 * @param tokenRefreshDuration a join token is refreshed this often and valid for twice as long
 * @param joinTokenFile where to keep the current join token, or {@code null}
 */
public record CloudHubSettings(
    Path caCertificateFile,
    Path caKeyFile,
    Path serverCertificateFile,
    Path serverKeyFile,
    String websocketAddress,
    int websocketPort,
    String httpsAddress,
    int httpsPort,
    List<InetAddress> advertiseAddresses,
    List<String> dnsNames,
    Duration keepaliveInterval,
    Duration writeTimeout,
    int nodeLimit,
    Duration edgeCertSigningDuration,
    Duration tokenRefreshDuration,
    Path joinTokenFile) {

  public CloudHubSettings {
    Objects.requireNonNull(caCertificateFile, "caCertificateFile");
    Objects.requireNonNull(serverCertificateFile, "serverCertificateFile");
    Objects.requireNonNull(serverKeyFile, "serverKeyFile");
    advertiseAddresses = List.copyOf(advertiseAddresses);
    dnsNames = List.copyOf(dnsNames);
  }

  /** Loopback settings with every file under {@code dir} and ephemeral ports: for tests and the demo. */
  public static CloudHubSettings loopback(Path dir) throws java.net.UnknownHostException {
    return new CloudHubSettings(
        dir.resolve("ca/rootCA.crt"),
        dir.resolve("ca/rootCA.key"),
        dir.resolve("certs/server.crt"),
        dir.resolve("certs/server.key"),
        "127.0.0.1",
        0,
        "127.0.0.1",
        0,
        List.of(InetAddress.getByName("127.0.0.1")),
        List.of("localhost"),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        1000,
        Duration.ofDays(365),
        Duration.ofHours(12),
        null);
  }

  public CloudHubSettings withEdgeCertSigningDuration(Duration d) {
    return new CloudHubSettings(caCertificateFile, caKeyFile, serverCertificateFile, serverKeyFile,
        websocketAddress, websocketPort, httpsAddress, httpsPort, advertiseAddresses, dnsNames,
        keepaliveInterval, writeTimeout, nodeLimit, d, tokenRefreshDuration, joinTokenFile);
  }

  public CloudHubSettings withKeepaliveInterval(Duration d) {
    return new CloudHubSettings(caCertificateFile, caKeyFile, serverCertificateFile, serverKeyFile,
        websocketAddress, websocketPort, httpsAddress, httpsPort, advertiseAddresses, dnsNames,
        d, writeTimeout, nodeLimit, edgeCertSigningDuration, tokenRefreshDuration, joinTokenFile);
  }

  public CloudHubSettings withNodeLimit(int limit) {
    return new CloudHubSettings(caCertificateFile, caKeyFile, serverCertificateFile, serverKeyFile,
        websocketAddress, websocketPort, httpsAddress, httpsPort, advertiseAddresses, dnsNames,
        keepaliveInterval, writeTimeout, limit, edgeCertSigningDuration, tokenRefreshDuration, joinTokenFile);
  }
}
