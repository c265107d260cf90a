package dev.edgetrust.cloudhub;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A bare HTTP/1.1 client over TLS that can speak from any loopback address (the JDK's HttpClient
 * cannot choose its source address): enough to play a second host on one machine.
 */
final class RawTlsClient {
  record Reply(int status, Map<String, String> headers, String body) {}

  private RawTlsClient() {}

  /** Sends one request on a fresh connection from {@code source} and reads the reply. */
  static Reply send(
      SSLContext tls, String source, InetSocketAddress server, String head, byte[] body)
      throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(server, 10_000);
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  private static Reply read(InputStream in) throws IOException {
    String status = line(in);
    if (status == null) {
      throw new IOException("connection closed before a reply");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    return new Reply(Integer.parseInt(status.split(" ")[1]), headers, body);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder out = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        return out.toString().stripTrailing();
      }
      out.append((char) c);
    }
    return out.length() == 0 ? null : out.toString();
  }
}
