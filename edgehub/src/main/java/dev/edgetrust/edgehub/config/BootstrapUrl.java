package dev.edgetrust.edgehub.config;

import java.net.URI;
import java.net.URISyntaxException;

/** Checks and normalizes the CloudHub's HTTPS bootstrap URL ({@code httpServer}). */
final class BootstrapUrl {
  private BootstrapUrl() {}

  /**
   * @throws IllegalArgumentException naming {@code key} unless {@code text} is an {@code https://}
   *     URL with a host and nothing after the port but an optional {@code /}
   */
  static URI parse(String key, String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + key + "' is not a URL: '" + text + "'");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' must be an https:// URL with a host, e.g. https://192.168.1.10:10002, was '"
              + text
              + "'");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!(path.isEmpty() || path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawUserInfo() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' must be just https://host:port (KubeEdge adds /ca.crt and /edge.crt), was '"
              + text
              + "'");
    }
    return URI.create("https://" + uri.getRawAuthority());
  }
}
