package dev.edgetrust.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.util.HexFormat;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Failure texts for the log: a classification, never the peer's bytes. */
class TransportFailureTest {
  static final String TOKEN = "ad31a7c0ffee5ec2e7ad31a7c0ffee5e";

  /** What Netty's SslHandler throws for a first record that is not TLS: a hex dump of it. */
  private static NotSslRecordException notTls(String sent) {
    return new NotSslRecordException(
        "not an SSL/TLS record: "
            + ByteBufUtil.hexDump(
                Unpooled.wrappedBuffer(sent.getBytes(StandardCharsets.ISO_8859_1))));
  }

  @Test
  void plainHttpRequestToATlsPort_isClassified_withoutItsBytes() {
    NotSslRecordException e =
        notTls("GET /nodes HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");
    assertThat(e.getMessage())
        .as("the hazard")
        .contains(HexFormat.of().formatHex(TOKEN.getBytes(StandardCharsets.US_ASCII)));

    assertThat(TransportFailure.describe(e))
        .isEqualTo("plain HTTP request, not TLS (use https://)");
    assertThat(TransportFailure.describe(new DecoderException(e)))
        .isEqualTo("plain HTTP request, not TLS (use https://)");
  }

  @Test
  void otherBytesToATlsPort_areNotTls_withoutTheirBytes() {
    assertThat(TransportFailure.describe(notTls(TOKEN + "\r\n")))
        .isEqualTo("not TLS (the first bytes are no TLS record)");
    assertThat(TransportFailure.describe(new NotSslRecordException("garbled")))
        .isEqualTo("not TLS (the first bytes are no TLS record)");
  }

  @Test
  void tlsAndCertificateReasons_areKept() {
    SSLHandshakeException chain = new SSLHandshakeException("PKIX path validation failed");
    chain.initCause(
        new CertPathValidatorException("Path does not chain with any of the trust anchors"));

    assertThat(
            TransportFailure.describe(new SSLHandshakeException("Empty client certificate chain")))
        .isEqualTo("SSLHandshakeException: Empty client certificate chain");
    assertThat(TransportFailure.describe(chain))
        .isEqualTo("CertPathValidatorException: Path does not chain with any of the trust anchors");
  }

  @Test
  void decoderComplaints_giveTheirKindOnly_sinceTheyQuoteWhatTheyRead() {
    assertThat(
            TransportFailure.describe(
                new IllegalArgumentException(
                    "a header name cannot contain: Authorization\u0001: Bearer " + TOKEN)))
        .isEqualTo("malformed input (IllegalArgumentException)");
    assertThat(
            TransportFailure.describe(
                new DecoderException(new TooLongFrameException("line: Bearer " + TOKEN))))
        .isEqualTo("malformed input (TooLongFrameException)");
  }

  /** A loopback port nothing listens on: bound, then closed. */
  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void jdkHttpClientRefused_readsAsConnectionRefusedByTheAddress() throws Exception {
    int port = closedPort();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/v1/sys/health"))
            .build();

    java.io.IOException failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class,
            () -> http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()));

    assertThat(TransportFailure.connectFailure("127.0.0.1:" + port, failure))
        .isEqualTo("connection refused by 127.0.0.1:" + port);
  }

  @Test
  void plainSocketRefused_readsTheSame() throws Exception {
    int port = closedPort();
    java.io.IOException failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class,
            () -> {
              try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
              }
            });

    assertThat(TransportFailure.connectFailure("127.0.0.1:" + port, failure))
        .isEqualTo("connection refused by 127.0.0.1:" + port);
  }

  @Test
  void unresolvableHost_saysSo() {
    java.net.ConnectException failure = new java.net.ConnectException();
    failure.initCause(new java.nio.channels.UnresolvedAddressException());

    assertThat(TransportFailure.connectFailure("vault.invalid:8200", failure))
        .isEqualTo("cannot resolve the host of vault.invalid:8200 (check the name and DNS)");
  }

  @Test
  void connectTimeout_saysSo() {
    assertThat(
            TransportFailure.connectFailure(
                "10.0.0.1:8200",
                new java.net.http.HttpConnectTimeoutException("HTTP connect timed out")))
        .isEqualTo("no answer from 10.0.0.1:8200 within the connect timeout");
  }
}
