package dev.edgetrust.pki.cfssl;

import dev.edgetrust.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code modules.cloudHub.pki.cfssl} of cloudcore.yaml: where the CFSSL server is and which of its
 * profiles sign what.
 *
 * <pre>
 * pki:
 *   provider: cfssl
 *   cfssl:
 *     address: https://cfssl.pki.svc:8888
 *     serverCA: /etc/edgetrust/cfssl-server-ca.pem   # CA of CFSSL's own HTTPS certificate (optional)
 *     profile: node              # signs node certificates: client auth only
 *     serverProfile: server      # signs the CloudHub's own server certificate
 *     authKeyFile: /etc/edgetrust/cfssl-auth.key     # the profiles' auth key, hex; 0600
 *     label: ""                  # the signer label of a multirootca; empty for cfssl serve
 *     serverCertificateTtl: 72h  # asked for the CloudHub's certificate; the server profile's expiry
 *                                # must not exceed it (CFSSL 1.2.0 signs for the profile's expiry)
 * </pre>
 *
 * <p>With {@code authKeyFile}, requests go to {@code /api/v1/cfssl/authsign}, authenticated with
 * the key; without it, to the unauthenticated {@code /api/v1/cfssl/sign}, which only a CFSSL
 * reachable by nobody else should offer.
 */
public record CfsslConfig(
    String address,
    String serverCA,
    String profile,
    String serverProfile,
    String authKeyFile,
    String label,
    String serverCertificateTtl) {
  private static final Duration DEFAULT_SERVER_TTL = Duration.ofHours(72);

  public CfsslConfig {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException(
          "'address' is required: the CFSSL server's URL, e.g. http://127.0.0.1:8888");
    }
    URI uri;
    try {
      uri = URI.create(address.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'address' must be an http(s):// URL, was '" + printable(address) + "'");
    }
    if (uri.getHost() == null
        || uri.getScheme() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
      throw new IllegalArgumentException(
          "'address' must be an http(s):// URL, was '" + printable(address) + "'");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw new IllegalArgumentException(
          "'address' is the server's root URL, without a path (edgetrust adds"
              + " /api/v1/cfssl/...), was '"
              + printable(address)
              + "'");
    }
    address = address.trim();
    profile = Settings.orDefault(profile, "node");
    serverProfile = Settings.orDefault(serverProfile, "server");
    label = label == null ? "" : label;
    Settings.duration("serverCertificateTtl", serverCertificateTtl, DEFAULT_SERVER_TTL);
    if (serverCA != null && !serverCA.isBlank() && uri.getScheme().equals("http")) {
      throw new IllegalArgumentException(
          "'serverCA' is set but 'address' is http://: use https:// or drop serverCA");
    }
  }

  /**
   * The lifetime asked for the CloudHub's server certificate ({@code serverCertificateTtl}, 72h).
   */
  public Duration serverCertificateLifetime() {
    return Settings.duration("serverCertificateTtl", serverCertificateTtl, DEFAULT_SERVER_TTL);
  }

  public URI uri() {
    return URI.create(address);
  }

  public Optional<Path> serverCaPath(Path base) {
    return serverCA == null || serverCA.isBlank()
        ? Optional.empty()
        : Optional.of(Settings.resolve(base, serverCA));
  }

  public Optional<Path> authKeyPath(Path base) {
    return authKeyFile == null || authKeyFile.isBlank()
        ? Optional.empty()
        : Optional.of(Settings.resolve(base, authKeyFile));
  }

  private static String printable(String s) {
    return dev.edgetrust.text.UntrustedText.printable(s, 80);
  }
}
