package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients (slowloris) on both TLS ports, over loopback: a connection that says nothing, one
 * that sends its ClientHello a byte at a time, and one that completes TLS and then trickles its
 * request are all closed by the server. The limits are short here (1 s handshake, 2 s request); the
 * defaults are 10 s and 30 s.
 */
class SlowClientTest {
  @TempDir Path dir;
  HubFixture f;

  @BeforeEach
  void start() throws Exception {
    f =
        HubFixture.start(
            dir,
            s ->
                s.toBuilder()
                    .limits(
                        s.limits()
                            .withTlsHandshakeTimeout(Duration.ofSeconds(1))
                            .withRequestTimeout(Duration.ofSeconds(2)))
                    .build());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private InetSocketAddress websocket() {
    return f.hub.websocketAddress().orElseThrow();
  }

  private InetSocketAddress bootstrap() {
    return f.hub.bootstrapAddress().orElseThrow();
  }

  /** Waits until the server has closed the connection: a read sees the end of the stream. */
  private static void assertClosedByServer(InputStream in) {
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                int n;
                while ((n = in.read()) != -1) {
                  // A TLS alert may come first; what matters is that the stream ends.
                }
                return n;
              } catch (IOException e) {
                // A reset, or the TLS layer failing the half-done handshake: closed either way.
                return -1;
              }
            });
    await().atMost(Duration.ofSeconds(20)).until(read::isDone);
    assertThat(read.join()).isEqualTo(-1);
  }

  @Test
  void silentConnection_isClosed_onBothPorts() throws Exception {
    for (InetSocketAddress port : new InetSocketAddress[] {websocket(), bootstrap()}) {
      try (Socket socket = new Socket(port.getAddress(), port.getPort())) {
        assertClosedByServer(socket.getInputStream());
      }
    }
  }

  @Test
  void clientHelloSentAByteAtATime_isCutOffByTheHandshakeTimeout_onBothPorts() throws Exception {
    byte[] hello = clientHello();
    for (InetSocketAddress port : new InetSocketAddress[] {websocket(), bootstrap()}) {
      try (Socket socket = new Socket(port.getAddress(), port.getPort())) {
        AtomicInteger sent = new AtomicInteger();
        Thread trickle = trickle(socket.getOutputStream(), hello, sent);
        assertClosedByServer(socket.getInputStream());
        trickle.interrupt();
        // The server gave up while the hello was still incomplete.
        assertThat(sent.get()).isLessThan(hello.length);
      }
    }
  }

  @Test
  void requestTrickledAfterTheHandshake_isCutOffByTheRequestDeadline_onTheBootstrapPort()
      throws Exception {
    SSLContext tls = JdkTls.context(Optional.empty(), f.ca.trustAnchors());
    byte[] request =
        "GET /ca.crt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    try (SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory().createSocket(bootstrap().getAddress(), bootstrap().getPort())) {
      socket.startHandshake();
      AtomicInteger sent = new AtomicInteger();
      Thread trickle = trickle(socket.getOutputStream(), request, sent);
      assertClosedByServer(socket.getInputStream());
      trickle.interrupt();
      assertThat(sent.get()).isLessThan(request.length);
    }
  }

  @Test
  void upgradeTrickledAfterTheHandshake_isCutOffByTheUpgradeDeadline_onTheWebSocketPort()
      throws Exception {
    HeldCertificate node = f.enroll("edge-slow");
    SSLContext tls = f.tls(node);
    byte[] upgrade =
        ("GET /e632aba927ea4ac2b575ec1603d56f10/edge-slow/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nnode_id: edge-slow\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    try (SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory().createSocket(websocket().getAddress(), websocket().getPort())) {
      socket.startHandshake();
      AtomicInteger sent = new AtomicInteger();
      Thread trickle = trickle(socket.getOutputStream(), upgrade, sent);
      assertClosedByServer(socket.getInputStream());
      trickle.interrupt();
      assertThat(sent.get()).isLessThan(upgrade.length);
    }
  }

  @Test
  void aPromptClient_isServedUnderTheSameShortLimits() throws Exception {
    // The control: the limits cut off slow clients, not normal ones.
    HeldCertificate node = f.enroll("edge-prompt");
    HubFixture.Client client = f.connected(node, "edge-prompt");
    assertThat(f.hub.session(dev.edgetrust.pki.NodeName.of("edge-prompt"))).isPresent();
    assertThat(client.closes).isEmpty();
  }

  /** Writes {@code bytes} one every 200 ms, counting them, until done, interrupted or refused. */
  private static Thread trickle(OutputStream out, byte[] bytes, AtomicInteger sent) {
    Thread t =
        new Thread(
            () -> {
              try {
                for (byte b : bytes) {
                  out.write(b);
                  out.flush();
                  sent.incrementAndGet();
                  Thread.sleep(200);
                }
              } catch (IOException | InterruptedException e) {
                // The server closed, or the test is over.
              }
            },
            "slowloris");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The bytes of a real TLS ClientHello, as a JDK client would send them first. */
  private static byte[] clientHello() throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", 443);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }
}
