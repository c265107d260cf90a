package dev.edgetrust.pki.cfssl.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.text.UntrustedText;
import dev.edgetrust.tls.HandshakeCertificates;
import dev.edgetrust.tls.TransportFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * CFSSL's HTTP API ({@code cfssl serve}, {@code /api/v1/cfssl/...}) over the JDK's HTTP client.
 * Every answer is CFSSL's envelope {@code {"success", "result", "errors", "messages"}}; this class
 * returns the result or turns the envelope's errors into a {@link PkiException}: refused when CFSSL
 * said no, unavailable when it could not be reached or failed (5xx).
 */
public final class CfsslClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/api/v1/cfssl/";

  /** An answer holds a certificate or two; a server sending more is not one to believe. */
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  private final URI address;
  private final HttpClient http;
  private final Duration timeout;

  private CfsslClient(URI address, HttpClient http, Duration timeout) {
    this.address = address;
    this.http = http;
    this.timeout = timeout;
  }

  /**
   * A client for the CFSSL server at {@code address} ({@code http(s)://host:port}). With {@code
   * serverCa}, an https server's certificate must chain to exactly those CAs; without, to the
   * JDK's.
   */
  public static CfsslClient connect(URI address, List<X509Certificate> serverCa, Duration timeout) {
    Objects.requireNonNull(address, "address");
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (!serverCa.isEmpty()) {
      HandshakeCertificates tls =
          HandshakeCertificates.builder().addTrustedCertificates(serverCa).build();
      builder.sslContext(tls.sslContext()).sslParameters(tls.sslParameters());
    }
    return new CfsslClient(address, builder.build(), timeout);
  }

  /** {@code host:port}, the port its scheme's default when the address names none. */
  private String authority() {
    int port =
        address.getPort() >= 0 ? address.getPort() : "https".equals(address.getScheme()) ? 443 : 80;
    return address.getHost() + ":" + port;
  }

  public URI address() {
    return address;
  }

  /** An empty JSON object to build a request in. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /**
   * {@code POST /api/v1/cfssl/info}: the CA certificate of {@code label} (empty: the default
   * signer), and the usages and expiry of {@code profile}.
   */
  public JsonNode info(String label, String profile) throws PkiException {
    ObjectNode body = object();
    body.put("label", label);
    body.put("profile", profile);
    return post("info", bytes(body));
  }

  /**
   * {@code POST /api/v1/cfssl/authsign}: the sign request {@code request}, authenticated as CFSSL's
   * {@code auth.Standard} checks it: {@code {"token": base64(HMAC-SHA256(key, R)), "request":
   * base64(R)}}, R being the request's JSON bytes.
   */
  public JsonNode authsign(ObjectNode request, AuthKey key) throws PkiException {
    byte[] r = bytes(request);
    ObjectNode body = object();
    body.put("token", Base64.getEncoder().encodeToString(key.token(r)));
    body.put("request", Base64.getEncoder().encodeToString(r));
    return post("authsign", bytes(body));
  }

  /**
   * {@code POST /api/v1/cfssl/sign}: the sign request unauthenticated, for a profile without an
   * auth key.
   */
  public JsonNode sign(ObjectNode request) throws PkiException {
    return post("sign", bytes(request));
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private JsonNode post(String endpoint, byte[] body) throws PkiException {
    String where = "CFSSL " + address + API + endpoint;
    HttpRequest request =
        HttpRequest.newBuilder(address.resolve(API + endpoint))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<InputStream> response;
    byte[] answer;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
      }
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw PkiException.unavailable(
          where + " cannot be reached: " + TransportFailure.connectFailure(authority(), e), e);
    } catch (IOException e) {
      throw PkiException.unavailable(
          where + " cannot be reached: " + TransportFailure.describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PkiException.unavailable(where + ": interrupted", e);
    }
    if (answer.length > MAX_ANSWER_BYTES) {
      throw PkiException.refused(
          where + " answered with more than " + MAX_ANSWER_BYTES + " bytes: refusing it");
    }
    JsonNode envelope;
    try {
      envelope = JSON.readTree(answer);
    } catch (IOException e) {
      envelope = null;
    }
    if (envelope == null || !envelope.isObject() || !envelope.path("success").isBoolean()) {
      String what =
          where + " answered HTTP " + response.statusCode() + " without CFSSL's JSON envelope";
      if (response.statusCode() >= 500) {
        throw PkiException.unavailable(what, null);
      }
      throw PkiException.refused(what + " (is the address a CFSSL server?)");
    }
    if (envelope.path("success").asBoolean() && response.statusCode() == 200) {
      return envelope.path("result");
    }
    String errors = errors(envelope);
    if (response.statusCode() >= 500) {
      throw PkiException.unavailable(
          where + " failed (HTTP " + response.statusCode() + "): " + errors, null);
    }
    throw PkiException.refused(where + " refused (HTTP " + response.statusCode() + "): " + errors);
  }

  /** The envelope's error messages, one line: they come from the server, so they are clipped. */
  private static String errors(JsonNode envelope) {
    List<String> out = new ArrayList<>();
    for (JsonNode error : envelope.path("errors")) {
      out.add(
          UntrustedText.printable(error.path("message").asText(""), 200)
              + " (code "
              + error.path("code").asInt()
              + ")");
    }
    return out.isEmpty() ? "no error given" : String.join("; ", out);
  }

  @Override
  public String toString() {
    return "CfsslClient[" + address + "]";
  }
}
