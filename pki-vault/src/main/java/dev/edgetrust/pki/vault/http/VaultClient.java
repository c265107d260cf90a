package dev.edgetrust.pki.vault.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.tls.HandshakeCertificates;
import dev.edgetrust.tls.TransportFailure;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vault's HTTP API over the JDK's {@link HttpClient}: JSON requests to {@code /v1/<path>} with
 * {@code X-Vault-Token}, retries with capped, jittered exponential backoff on 429, 412, 5xx,
 * connection errors and timeouts (never on other 4xx), and Vault's {@code {"errors":[...]}} turned
 * into one line a person can act on.
 *
 * <p>Every failure is a {@link PkiException}: {@linkplain PkiException#isRetryable() retryable}
 * when Vault could not answer (down, sealed, standby, overloaded), not retryable when it answered
 * no. Tokens are never logged nor put in messages; the token's accessor may be.
 */
public final class VaultClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VaultClient.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOOKUP_SELF = "auth/token/lookup-self";

  private final VaultConnection connection;
  private final HttpClient http;
  private final RandomGenerator random = new SecureRandom();

  private VaultClient(VaultConnection connection, HttpClient http) {
    this.connection = connection;
    this.http = http;
  }

  /**
   * A client for {@code connection}. Opens no connection yet.
   *
   * @throws IllegalArgumentException if the server CA file cannot be read or holds no certificate
   */
  public static VaultClient connect(VaultConnection connection) {
    return new VaultClient(connection, httpClient(connection));
  }

  /**
   * A bare JDK client set up as this client's (TLS trust, client certificate, redirects): for
   * comparing with it (the benchmark) and for looking at Vault's raw answers (the conformance
   * scenarios).
   */
  public static HttpClient httpClient(VaultConnection connection) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connection.connectTimeout())
            // A standby Vault may redirect to the active node; never from https to http.
            .followRedirects(HttpClient.Redirect.NORMAL);
    if (connection.isTls()) {
      builder.sslContext(sslContext(connection));
    }
    return builder.build();
  }

  /**
   * Trusts the server CA file if one is set, else the JVM's default roots (a Vault with a publicly
   * issued certificate); presents the supplied client certificate, read again at each handshake.
   */
  private static SSLContext sslContext(VaultConnection connection) {
    HandshakeCertificates.Builder tls = HandshakeCertificates.builder();
    if (connection.serverCa().isPresent()) {
      Path file = connection.serverCa().get();
      try {
        tls.addTrustedCertificates(
            Pem.parseCertificates(Files.readString(file, StandardCharsets.US_ASCII)));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read Vault server CA file " + file + " (" + e.getClass().getSimpleName() + ")");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Vault server CA file " + file + ": " + e.getMessage());
      }
    } else {
      tls.addPlatformTrustedCertificates();
    }
    connection
        .clientCertificate()
        .ifPresent(source -> tls.keyManager(new SuppliedKeyManager(source)));
    return tls.build().sslContext();
  }

  public VaultConnection connection() {
    return connection;
  }

  /** A new empty JSON object for a request body. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** {@code GET /v1/<path>}. */
  public VaultResponse read(String path, VaultCredential credential) throws PkiException {
    return send("GET", path, null, Objects.requireNonNull(credential, "credential"), false)
        .orElseThrow();
  }

  /** {@code GET /v1/<path>}, empty if Vault has nothing there (404). */
  public Optional<VaultResponse> readIfPresent(String path, VaultCredential credential)
      throws PkiException {
    return send("GET", path, null, Objects.requireNonNull(credential, "credential"), true);
  }

  /**
   * {@code LIST /v1/<path>} (sent as {@code GET ?list=true}, which every Vault accepts): the {@code
   * data.keys}, empty when Vault has none (it answers 404 then).
   */
  public List<String> list(String path, VaultCredential credential) throws PkiException {
    Optional<VaultResponse> response =
        send(
            "GET",
            path + "?list=true",
            null,
            Objects.requireNonNull(credential, "credential"),
            true);
    List<String> keys = new ArrayList<>();
    response.ifPresent(r -> r.data().path("keys").forEach(k -> keys.add(k.asText())));
    return keys;
  }

  /** {@code POST /v1/<path>} with a JSON body. */
  public VaultResponse write(String path, JsonNode body, VaultCredential credential)
      throws PkiException {
    return send(
            "POST",
            path,
            Objects.requireNonNull(body, "body"),
            Objects.requireNonNull(credential, "credential"),
            false)
        .orElseThrow();
  }

  /** {@code DELETE /v1/<path>}. */
  public VaultResponse delete(String path, VaultCredential credential) throws PkiException {
    return send("DELETE", path, null, Objects.requireNonNull(credential, "credential"), false)
        .orElseThrow();
  }

  /** An unauthenticated {@code POST} to a login path ({@code auth/approle/login}, ...). */
  public VaultResponse login(String path, JsonNode body) throws PkiException {
    return send("POST", path, Objects.requireNonNull(body, "body"), null, false).orElseThrow();
  }

  /**
   * An unauthenticated {@code GET} of a raw (non-JSON) path such as {@code pki/crl} or {@code
   * pki/ca/pem}: the body, or empty when Vault has none (204, empty body, or 404).
   */
  public Optional<byte[]> readRaw(String path) throws PkiException {
    HttpResponse<byte[]> response = exchange("GET", path, null, null, true);
    byte[] body = response.body();
    if (response.statusCode() == 404 || body == null || body.length == 0) {
      return Optional.empty();
    }
    return Optional.of(body);
  }

  private Optional<VaultResponse> send(
      String method, String path, JsonNode body, VaultCredential credential, boolean absentOn404)
      throws PkiException {
    HttpResponse<byte[]> response = exchange(method, path, body, credential, absentOn404);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    byte[] bytes = response.body();
    if (bytes == null || bytes.length == 0) {
      return Optional.of(new VaultResponse(response.statusCode(), null));
    }
    try {
      return Optional.of(new VaultResponse(response.statusCode(), JSON.readTree(bytes)));
    } catch (IOException e) {
      throw PkiException.refused(
          "Vault at "
              + connection.address()
              + " answered "
              + plainPath(path)
              + " with something that is not JSON");
    }
  }

  /** One logical request: retries, re-login after a refused cached login token, error mapping. */
  private HttpResponse<byte[]> exchange(
      String method, String path, JsonNode body, VaultCredential credential, boolean pass404)
      throws PkiException {
    RetryPolicy retry = connection.retryPolicy();
    boolean reloggedIn = false;
    PkiException last = null;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      if (attempt > 1) {
        pause(retry.delay(attempt - 1, random), method, path, attempt, last);
      }
      String token = credential == null ? null : credential.token(this);
      HttpResponse<byte[]> response;
      try {
        response =
            http.send(request(method, path, body, token), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        last = transportFailure(method, path, e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw PkiException.unavailable(
            "interrupted while talking to Vault at " + connection.address(), e);
      }
      int status = response.statusCode();
      log.debug("Vault {} {} -> {}", method, plainPath(path), status);
      if (status >= 200 && status < 300 || status == 404 && pass404) {
        return response;
      }
      if (status == 403 && credential != null && !reloggedIn && credential.invalidate()) {
        // A cached login token was refused (revoked, or its lease ran out early): log in once more.
        reloggedIn = true;
        attempt--;
        continue;
      }
      if (status == 500 && VaultErrors.text(response.body()).contains(PAST_MAX_TTL)) {
        // Vault's CalculateTTL error: a 500, but final; asking again cannot give it more time.
        throw pastMaxTtl(path, credential);
      }
      if (retryable(status)) {
        last = unavailable(status, path, response.body());
        continue;
      }
      throw refusal(method, status, path, response.body(), credential);
    }
    throw last;
  }

  /** What Vault answers (500) when a lease is renewed at or beyond its max TTL. */
  static final String PAST_MAX_TTL = "past the max TTL, cannot renew";

  private static PkiException pastMaxTtl(String path, VaultCredential credential) {
    String who = credential == null ? "the lease" : credential.description();
    return PkiException.refused(
        who
            + " reached its max TTL and cannot be renewed any more (500 '"
            + PAST_MAX_TTL
            + "' on "
            + plainPath(path)
            + "): "
            + (credential == null ? "obtain a new one" : credential.remedy()));
  }

  private static boolean retryable(int status) {
    // 412: a performance standby has not caught up yet; Vault documents retrying it.
    return status == 429 || status == 412 || status >= 500;
  }

  private void pause(Duration delay, String method, String path, int attempt, PkiException cause)
      throws PkiException {
    log.warn(
        "{}; retrying {} {} in {} ms (attempt {}/{})",
        cause.getMessage(),
        method,
        plainPath(path),
        delay.toMillis(),
        attempt,
        connection.retryPolicy().maxAttempts());
    try {
      Thread.sleep(delay.toMillis(), (int) (delay.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PkiException.unavailable(
          "interrupted while waiting to retry Vault at " + connection.address(), e);
    }
  }

  private HttpRequest request(String method, String path, JsonNode body, String token)
      throws PkiException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(connection.uri(path))
            .timeout(connection.requestTimeout())
            // Vault asks API clients to send this; it marks the request as not coming from a
            // browser.
            .header("X-Vault-Request", "true");
    if (token != null) {
      builder.header("X-Vault-Token", token);
    }
    connection.namespace().ifPresent(ns -> builder.header("X-Vault-Namespace", ns));
    if (body != null) {
      try {
        builder.header("Content-Type", "application/json");
        builder.method(
            method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot encode a JSON tree we built", e);
      }
    } else {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return builder.build();
  }

  private PkiException transportFailure(String method, String path, IOException e) {
    String where = "Vault at " + connection.address();
    String p = plainPath(path);
    if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
      return PkiException.unavailable(
          "cannot reach "
              + where
              + " ("
              + TransportFailure.connectFailure(authority(connection.address()), e)
              + ")",
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return PkiException.unavailable(
          where + " did not answer " + method + " " + p + " within the timeout", e);
    }
    if (e instanceof SSLHandshakeException || e instanceof SSLException) {
      return PkiException.unavailable(
          "TLS handshake with "
              + where
              + " failed ("
              + rootMessage(e)
              + "): check serverCA / VAULT_CACERT",
          e);
    }
    return PkiException.unavailable(
        "lost the connection to "
            + where
            + " during "
            + method
            + " "
            + p
            + " ("
            + rootMessage(e)
            + ")",
        e);
  }

  /** {@code host:port} of an address, the port its scheme's default when it names none. */
  private static String authority(URI address) {
    int port =
        address.getPort() >= 0 ? address.getPort() : "https".equals(address.getScheme()) ? 443 : 80;
    return address.getHost() + ":" + port;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : VaultErrors.printable(m);
  }

  private PkiException unavailable(int status, String path, byte[] body) {
    String errors = VaultErrors.text(body);
    String p = plainPath(path);
    String where = "Vault at " + connection.address();
    String detail = errors.isEmpty() ? "" : ": " + errors;
    return switch (status) {
      case 503 ->
          PkiException.unavailable(
              where + " is sealed or unavailable (503 on " + p + detail + ")", null);
      case 429 ->
          PkiException.unavailable(
              where
                  + " is a standby node or rate-limited (429 on "
                  + p
                  + detail
                  + "): point the address at the active node or retry later",
              null);
      case 412 ->
          PkiException.unavailable(
              where + " has not caught up yet (412 on " + p + detail + ")", null);
      default ->
          PkiException.unavailable(where + " failed (" + status + " on " + p + detail + ")", null);
    };
  }

  private PkiException refusal(
      String method, int status, String path, byte[] body, VaultCredential credential)
      throws PkiException {
    String errors = VaultErrors.text(body);
    String p = plainPath(path);
    return switch (status) {
      case 400 ->
          PkiException.refused(
              "Vault refused " + p + ": " + (errors.isEmpty() ? "bad request" : errors));
      case 401, 403 ->
          credential == null
              ? PkiException.refused(
                  "Vault refused "
                      + p
                      + " ("
                      + status
                      + (errors.isEmpty() ? "" : ": " + errors)
                      + ")")
              : permissionDenied(p, credential);
      case 404 ->
          PkiException.refused(
              "Vault has nothing at "
                  + p
                  + " (404"
                  + (errors.isEmpty() ? "" : ": " + errors)
                  + "): check the mount and role names");
      case 405 -> PkiException.refused("Vault does not allow " + method + " on " + p + " (405)");
      default ->
          PkiException.refused(
              "Vault refused " + p + " (" + status + (errors.isEmpty() ? "" : ": " + errors) + ")");
    };
  }

  /**
   * Vault answers 403 both when a token is expired or revoked and when its policy does not cover
   * the path. Asking {@code lookup-self} (which the default policy allows) tells the two apart, so
   * the message says which one to fix.
   */
  private PkiException permissionDenied(String path, VaultCredential credential) {
    if (path.equals(LOOKUP_SELF)) {
      return expired(credential);
    }
    try {
      String token = credential.token(this);
      HttpResponse<byte[]> lookup =
          http.send(
              request("GET", LOOKUP_SELF, null, token), HttpResponse.BodyHandlers.ofByteArray());
      if (lookup.statusCode() == 403) {
        return expired(credential);
      }
      if (lookup.statusCode() == 200) {
        JsonNode data = JSON.readTree(lookup.body()).path("data");
        return PkiException.refused(
            "permission denied on "
                + path
                + ": the token's policy does not allow this path ("
                + credential.description()
                + ", accessor "
                + data.path("accessor").asText("?")
                + ", policies "
                + data.path("policies")
                + ")");
      }
    } catch (IOException | PkiException e) {
      // Fall through to the plain message.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return PkiException.refused(
        "permission denied on "
            + path
            + ": the token's policy does not allow this path ("
            + credential.description()
            + ")");
  }

  private static PkiException expired(VaultCredential credential) {
    return PkiException.refused(
        credential.description()
            + " is expired or revoked (403 on "
            + LOOKUP_SELF
            + "): "
            + credential.remedy());
  }

  private static String plainPath(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  @Override
  public void close() {
    // JDK 17's HttpClient has no close(); its threads are daemons and its pool idles out.
  }

  @Override
  public String toString() {
    return "VaultClient[" + connection.address() + "]";
  }
}
