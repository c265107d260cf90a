package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import dev.edgetrust.config.InvalidValue;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where cloudcore's CloudHub listens, as {@code host:port}. The host is kept exactly as written:
 * cloudcore's server certificate must name it (a DNS name, or an IP address as an IP SAN).
 *
 * <p>The same rule as the EdgeHub's {@code websocket.server}; kept here because the CloudHub and
 * the EdgeHub share nothing but {@code core}.
 */
@JsonDeserialize(using = UpstreamServer.Deserializer.class)
public record UpstreamServer(String host, int port) {
  private static final String HOST_PORT =
      "must be host:port (e.g. cloudcore.kubeedge:10000), was '";

  public UpstreamServer {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port} ({@code [::1]:10000} for IPv6).
   *
   * @throws IllegalArgumentException "must be host:port ..., was '...'"
   */
  public static UpstreamServer parse(String text) {
    String trimmed = text.trim();
    URI uri;
    try {
      uri = new URI("wss://" + trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          HOST_PORT + dev.edgetrust.text.UntrustedText.printable(trimmed, 80) + "'");
    }
    if (uri.getHost() == null
        || uri.getPort() < 0
        || uri.getRawPath() == null
        || !uri.getRawPath().isEmpty()
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null) {
      throw new IllegalArgumentException(
          HOST_PORT + dev.edgetrust.text.UntrustedText.printable(trimmed, 80) + "'");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new UpstreamServer(host, uri.getPort());
  }

  /** {@code host:port}, with brackets around an IPv6 address, as a URL authority. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }

  /** Binds {@code upstream.server}; blank is absent. */
  static final class Deserializer extends StdScalarDeserializer<UpstreamServer> {
    private static final long serialVersionUID = 1L;

    Deserializer() {
      super(UpstreamServer.class);
    }

    @Override
    public UpstreamServer deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      String text = _parseString(p, ctxt, this);
      if (text == null || text.isBlank()) {
        return null;
      }
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        throw new InvalidValue(p, e.getMessage());
      }
    }
  }
}
