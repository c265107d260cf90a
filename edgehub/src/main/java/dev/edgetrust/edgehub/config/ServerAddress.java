package dev.edgetrust.edgehub.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * A CloudHub endpoint as KubeEdge configures it: {@code host:port}, where the host is an IP address
 * ({@code [::1]} for IPv6) or a DNS name. The host is also what the server certificate must name,
 * so it is kept exactly as written.
 */
public record ServerAddress(String host, int port) {
  private static final String HOST_PORT = "must be host:port (e.g. 192.168.1.10:10000), was '";

  public ServerAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException "must be host:port ..., was '...'" (the text is not secret)
   */
  public static ServerAddress parse(String text) {
    String trimmed = text.trim();
    URI uri;
    try {
      uri = new URI("wss://" + trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(HOST_PORT + trimmed + "'");
    }
    if (uri.getHost() == null
        || uri.getPort() < 0
        || uri.getRawPath() == null
        || !uri.getRawPath().isEmpty()
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null) {
      throw new IllegalArgumentException(HOST_PORT + trimmed + "'");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new ServerAddress(host, uri.getPort());
  }

  /** {@code host:port}, with brackets around an IPv6 address, as a URL authority. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }
}
