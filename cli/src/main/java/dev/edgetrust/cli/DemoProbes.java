package dev.edgetrust.cli;

import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;

/**
 * What the demos try against a CloudHub from outside, as a node or an intruder would, with plain
 * JDK clients (not the EdgeHub, which would refuse to try): open a WebSocket under a name, ask
 * {@code /edge.crt}, see which server certificate a handshake is served. Each answers with what
 * happened, for the demo to print; none throws for a refusal.
 */
final class DemoProbes {
  private DemoProbes() {}

  /** Opens a WebSocket as {@code claimed}; the refusal ("403 ...") or empty if it was let in. */
  static Optional<String> websocketAs(SSLContext tls, int port, NodeName claimed) {
    try {
      WebSocket ws =
          HttpClient.newBuilder()
              .sslContext(tls)
              .build()
              .newWebSocketBuilder()
              .header("node_id", claimed.value())
              .header("project_id", "e632aba927ea4ac2b575ec1603d56f10")
              .header("ConnectionUse", "msg")
              .buildAsync(
                  URI.create(
                      "wss://127.0.0.1:"
                          + port
                          + "/e632aba927ea4ac2b575ec1603d56f10/"
                          + claimed
                          + "/events"),
                  new WebSocket.Listener() {})
              .get(10, TimeUnit.SECONDS);
      ws.abort();
      return Optional.empty();
    } catch (Exception e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof WebSocketHandshakeException h) {
          return Optional.of(
              h.getResponse().statusCode() + " " + String.valueOf(h.getResponse().body()).strip());
        }
        if (c instanceof javax.net.ssl.SSLException refused) {
          return Optional.of("refused in the TLS handshake (" + refused.getMessage() + ")");
        }
      }
      return Optional.of("refused: " + e);
    }
  }

  /** GET /edge.crt for {@code node} with a CSR naming {@code csrNode}; the refusal or empty. */
  static Optional<String> edgeCrt(
      SSLContext tls, int port, NodeName node, String jwt, NodeName csrNode)
      throws IOException, InterruptedException {
    Csr csr =
        Csr.create(
            Keys.newP256(), new X500Principal("CN=" + csrNode.commonName() + ", O=system:nodes"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/edge.crt"))
            .method("GET", HttpRequest.BodyPublishers.ofByteArray(csr.der()))
            .header("NodeName", node.value());
    if (jwt != null) {
      request.header("Authorization", "Bearer " + jwt);
    }
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newBuilder()
              .sslContext(tls)
              .build()
              .send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (javax.net.ssl.SSLException e) {
      return Optional.of("refused in the TLS handshake (" + e.getMessage() + ")");
    } catch (IOException e) {
      // TLS 1.3: the client's side of the handshake completes before the server has checked the
      // client certificate, so a refusal can arrive as the connection closing under the request
      // ("header parser received no bytes", a broken pipe) rather than as an SSLException.
      return Optional.of(
          "refused: the connection was closed without an answer (" + e.getMessage() + ")");
    }
    return response.statusCode() == 200
        ? Optional.empty()
        : Optional.of(response.statusCode() + " " + response.body().strip());
  }

  /** The serial of the certificate a new handshake on {@code port} gets, or empty if it failed. */
  static Optional<BigInteger> servedSerial(SSLContext tls, int port) {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return Optional.of(
          ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber());
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
