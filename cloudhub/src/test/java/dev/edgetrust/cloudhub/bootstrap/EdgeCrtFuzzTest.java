package dev.edgetrust.cloudhub.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgetrust.cloudhub.config.JoinTokens;
import dev.edgetrust.cloudhub.identity.Identifier;
import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Csr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The {@code /edge.crt} (and {@code /ca.crt}) handler behind the same HTTP codec and 1 MiB
 * aggregator as on the wire, driven through an {@link EmbeddedChannel} (no sockets) with a fuzzed
 * request line, headers and body, and a real built-in CA behind it.
 *
 * <p>The property: every complete request gets exactly the answers KubeEdge documents — 200 with a
 * certificate, or a 4xx refusal — never a 5xx (an exception while signing), and the connection is
 * never dropped without an answer (an exception swallowed on the way).
 */
class EdgeCrtFuzzTest {
  private static final BuiltinCa CA = builtinCa();
  private static final String JWT = jwt();
  private static final String[] METHODS = {"GET", "POST", "PUT", "HEAD", "OPTIONS"};
  private static final String[] PATHS = {
    "/edge.crt", "/ca.crt", "/", "/edge.crt?x=1", "/../edge.crt"
  };

  private static BuiltinCa builtinCa() {
    // A refusal is logged per request; at fuzzing speed that is noise, not information.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(BootstrapHandler.class))
        .setLevel(Level.WARN);
    try {
      Path dir = Files.createTempDirectory("edgecrt-fuzz");
      return BuiltinCa.loadOrCreate(
          BuiltinCaFiles.of(dir.resolve("ca.crt"), dir.resolve("ca.key")), Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Nothing blocked, every name free: the fuzzer exercises the parsing, not the policy. */
  private static final BootstrapHandler.EnrollmentGate OPEN_GATE =
      new BootstrapHandler.EnrollmentGate() {
        @Override
        public Optional<String> refusal(
            dev.edgetrust.pki.NodeName node, boolean renewal, String who) {
          return Optional.empty();
        }

        @Override
        public Optional<String> reserve(dev.edgetrust.pki.NodeName node, String who) {
          return Optional.empty();
        }

        @Override
        public void release(dev.edgetrust.pki.NodeName node) {}
      };

  private static String jwt() {
    String token = CA.mintJoinToken(Duration.ofDays(1)).value();
    return token.substring(token.indexOf('.') + 1);
  }

  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void everyRequestIsAnsweredWithACertificateOrA4xx(FuzzedDataProvider data) {
    byte[] request = request(data);
    EmbeddedChannel server =
        new EmbeddedChannel(
            new HttpServerCodec(),
            new HttpObjectAggregator(Csr.MAX_DER_BYTES),
            new BootstrapHandler(
                CA,
                CA,
                Duration.ofDays(1),
                JoinTokens.SHARED,
                (node, cert, renewal) -> {},
                Runnable::run,
                OPEN_GATE,
                Identifier.BY_NAME,
                HubMetrics.NONE));
    try {
      server.writeInbound(Unpooled.wrappedBuffer(request));
      server.runPendingTasks();
      List<HttpResponse> responses = responses(server);
      if (responses.isEmpty()) {
        // Only an incomplete request may go unanswered, and then the connection waits for the rest.
        assertThat(server.isOpen())
            .as(
                "connection closed without an answer to %s",
                dev.edgetrust.text.UntrustedText.printable(
                    new String(request, StandardCharsets.ISO_8859_1), 300))
            .isTrue();
      }
      for (HttpResponse response : responses) {
        int status = response.status().code();
        assertThat(status == 200 || (status >= 400 && status < 500))
            .as("status %d", status)
            .isTrue();
      }
    } finally {
      server.finishAndReleaseAll();
    }
  }

  /** A request from parts the fuzzer picks: a known or raw method and path, headers, a body. */
  private static byte[] request(FuzzedDataProvider data) {
    StringBuilder head = new StringBuilder();
    String method = data.consumeBoolean() ? data.pickValue(METHODS) : data.consumeString(8);
    String path = data.consumeBoolean() ? data.pickValue(PATHS) : data.consumeString(64);
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: cloud\r\n");
    if (data.consumeBoolean()) {
      head.append("NodeName: ")
          .append(data.consumeBoolean() ? "edge-1" : data.consumeString(80))
          .append("\r\n");
    }
    switch (data.consumeInt(0, 2)) {
      case 0 -> head.append("Authorization: Bearer ").append(JWT).append("\r\n");
      case 1 -> head.append("Authorization: ").append(data.consumeString(120)).append("\r\n");
      default -> {}
    }
    if (data.consumeBoolean()) {
      head.append("ExtKeyUsages: ").append(data.consumeString(80)).append("\r\n");
    }
    int extra = data.consumeInt(0, 3);
    for (int i = 0; i < extra; i++) {
      head.append(data.consumeString(40)).append("\r\n");
    }
    byte[] body = data.consumeBoolean() ? validCsr(data) : data.consumeBytes(2048);
    boolean honestLength = data.consumeBoolean();
    int length = honestLength ? body.length : data.consumeInt(0, 2 * Csr.MAX_DER_BYTES);
    head.append("Content-Length: ").append(length).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    out.writeBytes(data.consumeRemainingAsBytes());
    return out.toByteArray();
  }

  private static byte[] validCsr(FuzzedDataProvider data) {
    String cn =
        data.consumeBoolean()
            ? "kubeedge.io"
            : "system:node:" + data.consumeString(20).replaceAll("[,+=\"\\\\<>;#]", "");
    try {
      return Csr.create(
              dev.edgetrust.x509.Keys.newP256(),
              new javax.security.auth.x500.X500Principal("CN=" + cn))
          .der();
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  /**
   * The heads of what the server wrote, decoded as HTTP responses. Bodies are skipped: the decoder
   * does not know which request was a HEAD, whose answer carries a length but no body.
   */
  private static List<HttpResponse> responses(EmbeddedChannel server) {
    EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder());
    for (Object out; (out = server.readOutbound()) != null; ) {
      client.writeInbound((ByteBuf) out);
    }
    client.finish();
    List<HttpResponse> responses = new ArrayList<>();
    for (Object in; (in = client.readInbound()) != null; ) {
      if (in instanceof HttpResponse head) {
        responses.add(head);
      }
      ReferenceCountUtil.release(in);
    }
    return responses;
  }
}
