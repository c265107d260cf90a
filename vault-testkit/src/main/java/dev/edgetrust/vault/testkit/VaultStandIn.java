package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process stand-in for HashiCorp Vault, for tests: real HTTPS (and optionally HTTP) on
 * 127.0.0.1 at an ephemeral port, following Vault's documented API for exactly what edgetrust uses
 * — {@code sys/mounts} (+ tune), {@code sys/auth}, {@code sys/policies/acl}, the PKI engine (root
 * generation, CA import, URLs, roles with their name rules, sign, issue, revoke, CRL, CA chain),
 * the token store, and the AppRole, cert and Kubernetes auth methods — with Vault's JSON shapes,
 * status codes and {@code {"errors":[...]}} bodies, and ACL policies enforced with capabilities and
 * {@code *}/{@code +} globs.
 *
 * <p>Time is a {@link StandInClock} the test can move forward. Faults can be injected: sealed
 * (503), standby (429), latency, and failing the next N requests with a 5xx.
 *
 * <p>What is not implemented answers 404/405 or a 400 naming the unsupported field, never a silent
 * success.
 */
public final class VaultStandIn implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VaultStandIn.class);

  private static final String DEFAULT_POLICY =
      """
      # Allow tokens to look up their own properties
      path "auth/token/lookup-self" {
          capabilities = ["read"]
      }

      # Allow tokens to renew themselves
      path "auth/token/renew-self" {
          capabilities = ["update"]
      }

      # Allow tokens to revoke themselves
      path "auth/token/revoke-self" {
          capabilities = ["update"]
      }

      # Allow a token to look up its own capabilities on a path
      path "sys/capabilities-self" {
          capabilities = ["update"]
      }

      # Allow a token to renew a lease via lease_id in the request body
      path "sys/leases/renew" {
          capabilities = ["update"]
      }
      """;

  private final StandInClock clock;
  private final TokenStore tokens;
  private final Identity identity = new Identity();
  private final LoginIssuer issuer;
  private final Map<String, KubernetesMethod.ServiceAccount> reviewedJwts =
      KubernetesMethod.newTable();
  private final Map<String, MountEntry> mounts = new LinkedHashMap<>();
  private final Map<String, MountEntry> authMounts = new LinkedHashMap<>();
  private final Map<String, String> policyText = new LinkedHashMap<>();
  private final Map<String, Map<String, Set<String>>> policyRules = new HashMap<>();
  private final String rootToken;

  private final X509Certificate tlsCa;
  private final HttpsServer https;
  private final HttpServer http;
  private final ExecutorService executor;

  private volatile boolean sealed;
  private volatile boolean standby;
  private final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 500;
  private final List<RecordedRequest> recorded = Collections.synchronizedList(new ArrayList<>());

  private VaultStandIn(Builder b) throws IOException {
    this.clock = b.clock;
    this.tokens = new TokenStore(clock);
    this.issuer = new LoginIssuer(tokens, identity);
    this.rootToken = tokens.createRoot().id;
    setPolicy("default", DEFAULT_POLICY);
    mounts.put(
        "cubbyhole",
        new MountEntry("cubbyhole", "cubbyhole", "cubbyhole", "per-token private secret storage"));
    mounts.put("identity", new MountEntry("identity", "identity", "identity", "identity store"));
    mounts.put(
        "sys",
        new MountEntry(
            "sys", "system", "system", "system endpoints used for control, policy and debugging"));
    MountEntry tokenMount = new MountEntry("token", "token", "auth", "token based credentials");
    tokenMount.backend = new TokenMethod(tokens);
    authMounts.put("token", tokenMount);

    // TLS: a CA of the stand-in's own and a server certificate for 127.0.0.1 / localhost.
    Instant now = Instant.now();
    KeyPair caKey = X509.newKey("ec", 256);
    X500Name caName = new X500Name("CN=Vault stand-in TLS CA");
    this.tlsCa =
        X509.certificate(
            caName,
            caKey.getPrivate(),
            null,
            caName,
            caKey.getPublic(),
            X509.newSerial(),
            now.minusSeconds(60),
            now.plus(Duration.ofDays(2)),
            new X509.Profile(
                true,
                KeyUsage.keyCertSign | KeyUsage.cRLSign,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                false));
    KeyPair serverKey = X509.newKey("ec", 256);
    X509Certificate serverCert =
        X509.certificate(
            caName,
            caKey.getPrivate(),
            tlsCa,
            new X500Name("CN=localhost"),
            serverKey.getPublic(),
            X509.newSerial(),
            now.minusSeconds(60),
            now.plus(Duration.ofDays(1)),
            new X509.Profile(
                false,
                KeyUsage.digitalSignature,
                List.of(KeyPurposeId.id_kp_serverAuth),
                List.of("localhost"),
                List.of(),
                List.of(InetAddress.getLoopbackAddress()),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                false));
    SSLContext tls = serverContext(serverKey, serverCert, tlsCa);

    this.executor =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "vault-stand-in");
              t.setDaemon(true);
              return t;
            });
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    this.https = HttpsServer.create(loopback, 64);
    https.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = getSSLContext().getDefaultSSLParameters();
            // Like Vault's listener: ask for a client certificate, verify it in the cert auth
            // method.
            p.setWantClientAuth(true);
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            params.setSSLParameters(p);
          }
        });
    https.createContext("/", this::exchange);
    https.setExecutor(executor);
    https.start();
    if (b.plainHttp) {
      this.http = HttpServer.create(loopback, 64);
      http.createContext("/", this::exchange);
      http.setExecutor(executor);
      http.start();
    } else {
      this.http = null;
    }
    log.info("Vault stand-in listening on {}", address());
  }

  /** A stand-in with default settings: HTTPS only, real-time clock. */
  public static VaultStandIn start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The HTTPS address, e.g. {@code https://127.0.0.1:41234}. */
  public URI address() {
    return URI.create("https://127.0.0.1:" + https.getAddress().getPort());
  }

  /** The plain-HTTP address, if the stand-in was started with one. */
  public Optional<URI> httpAddress() {
    return http == null
        ? Optional.empty()
        : Optional.of(URI.create("http://127.0.0.1:" + http.getAddress().getPort()));
  }

  /** The CA that the stand-in's TLS certificate chains to: what a client's serverCA must hold. */
  public X509Certificate serverCa() {
    return tlsCa;
  }

  /** Writes {@link #serverCa()} as PEM to {@code file} and returns it. */
  public Path writeServerCa(Path file) throws IOException {
    Files.writeString(file, Pem.certificate(tlsCa), StandardCharsets.US_ASCII);
    return file;
  }

  /** The root token, as a dev server prints it. */
  public String rootToken() {
    return rootToken;
  }

  public StandInClock clock() {
    return clock;
  }

  /**
   * Seals the stand-in: every request but {@code sys/health} and {@code sys/seal-status} gets 503.
   */
  public void seal() {
    sealed = true;
  }

  public void unseal() {
    sealed = false;
  }

  /** While on, every request but {@code sys/health} gets 429, as from a standby or a rate limit. */
  public void standby(boolean on) {
    standby = on;
  }

  /** Delays every answer by {@code delay}. */
  public void latency(Duration delay) {
    latency.set(delay);
  }

  /** Answers the next {@code count} requests with {@code status} (a 5xx) and Vault's error body. */
  public void failNext(int count, int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("failNext injects 5xx statuses, not " + status);
    }
    failureStatus = status;
    failuresLeft.set(count);
  }

  /** Every request received so far, in order. */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  public void clearRequests() {
    recorded.clear();
  }

  /** How many requests were made to {@code path}. */
  public long requestCount(String path) {
    return requests().stream().filter(r -> r.path().equals(path)).count();
  }

  /**
   * Declares a service-account JWT valid, as the cluster's TokenReview would, for Kubernetes
   * logins.
   */
  public void trustKubernetesJwt(String jwt, String namespace, String serviceAccount, String uid) {
    reviewedJwts.put(jwt, new KubernetesMethod.ServiceAccount(namespace, serviceAccount, uid));
  }

  /** The accessor of the auth method mounted at {@code path} (for identity templates). */
  public synchronized String authAccessor(String path) {
    MountEntry m = authMounts.get(path);
    if (m == null) {
      throw new IllegalArgumentException("no auth method at " + path);
    }
    return m.accessor;
  }

  /** Serials revoked on the PKI mount {@code mount}. */
  public synchronized List<BigInteger> revokedSerials(String mount) {
    MountEntry m = mounts.get(mount);
    if (m == null || !(m.backend instanceof PkiEngine pki)) {
      throw new IllegalArgumentException("no PKI engine at " + mount);
    }
    return pki.revokedSerials();
  }

  @Override
  public void close() {
    https.stop(0);
    if (http != null) {
      http.stop(0);
    }
    executor.shutdownNow();
  }

  // ---- HTTP --------------------------------------------------------------------------------

  private void exchange(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
    String rawPath = ex.getRequestURI().getPath();
    String query = ex.getRequestURI().getQuery();
    String path = rawPath.startsWith("/v1/") ? rawPath.substring(4) : null;
    Reply reply;
    try {
      Duration delay = latency.get();
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
      if (path == null) {
        reply = Reply.error(new VaultError(404, List.of()));
      } else {
        reply = answer(method, path, query, ex);
      }
    } catch (VaultError e) {
      reply = Reply.error(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply = Reply.error(VaultError.multi(500, "interrupted"));
    } catch (RuntimeException e) {
      log.error("Vault stand-in failed on {} {}", method, path, e);
      reply = Reply.error(VaultError.multi(500, "internal error: " + e));
    }
    String op =
        "GET".equals(method) && query != null && query.contains("list=true") ? "LIST" : method;
    recorded.add(new RecordedRequest(op, path == null ? rawPath : path, reply.status()));
    if (reply.contentType() != null) {
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
    }
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    if (reply.status() == 204 || reply.body().length == 0) {
      ex.sendResponseHeaders(reply.status(), -1);
    } else {
      ex.sendResponseHeaders(reply.status(), reply.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(reply.body());
      }
    }
    ex.close();
  }

  private Reply answer(String method, String path, String query, HttpExchange ex)
      throws IOException {
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Reply.error(VaultError.multi(failureStatus, "injected failure"));
    }
    boolean health = path.equals("sys/health") || path.equals("sys/seal-status");
    if (sealed && !health) {
      return Reply.error(new VaultError(503, List.of("Vault is sealed")));
    }
    if (standby && !path.equals("sys/health")) {
      return Reply.error(new VaultError(429, List.of("node is a standby; too many requests")));
    }
    String operation =
        switch (method) {
          case "GET" -> query != null && query.contains("list=true") ? Request.LIST : Request.READ;
          case "LIST" -> Request.LIST;
          case "POST", "PUT" -> Request.UPDATE;
          case "DELETE" -> Request.DELETE;
          default -> throw VaultError.unsupportedOperation();
        };
    ObjectNode body = body(ex.getRequestBody());
    Optional<String> token = Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Vault-Token"));
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    if (token.isEmpty() && authorization != null && authorization.startsWith("Bearer ")) {
      token = Optional.of(authorization.substring(7).strip());
    }
    List<X509Certificate> peer = new ArrayList<>();
    if (ex instanceof HttpsExchange secure) {
      try {
        for (Certificate c : secure.getSSLSession().getPeerCertificates()) {
          peer.add((X509Certificate) c);
        }
      } catch (SSLPeerUnverifiedException e) {
        // No client certificate: fine, unless the cert auth method is asked.
      }
    }
    Request request = new Request(operation, path, body, token, peer);
    synchronized (this) {
      return route(request);
    }
  }

  private static ObjectNode body(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(32 << 20);
    if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return Json.object();
    }
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (!(node instanceof ObjectNode object)) {
        throw VaultError.badRequest("failed to parse JSON input: not a JSON object");
      }
      return object;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw VaultError.badRequest("failed to parse JSON input: " + e.getOriginalMessage());
    }
  }

  // ---- routing and authorization ----------------------------------------------------------

  private Reply route(Request r) {
    String path = r.path();
    Backend backend;
    String sub;
    if (path.startsWith("sys/")) {
      backend = this::sys;
      sub = path.substring(4);
    } else if (path.startsWith("auth/")) {
      MountEntry m = longest(authMounts, path.substring(5));
      backend = m == null ? null : m.backend;
      sub = m == null ? "" : rest(path.substring(5), m.path);
    } else {
      MountEntry m = longest(mounts, path);
      backend = m == null ? null : m.backend;
      sub = m == null ? "" : rest(path, m.path);
    }
    if (backend != null && (backend.unauthenticated(r, sub) || isUnauthenticatedSys(path))) {
      return backend.handle(r, sub, null);
    }
    Caller caller = authenticate(r);
    String aclPath = r.is(Request.LIST) && !path.endsWith("/") ? path + "/" : path;
    String capability =
        switch (r.operation()) {
          case Request.UPDATE -> backend != null && !backend.exists(sub) ? "create" : "update";
          default -> r.operation();
        };
    if (!caller.acl().allows(aclPath, capability)
        || needsSudo(r) && !caller.acl().allows(aclPath, "sudo")) {
      throw VaultError.permissionDenied();
    }
    tokens.use(caller.token());
    if (backend == null) {
      throw VaultError.noHandler(path);
    }
    return backend.handle(r, sub, caller);
  }

  private static boolean isUnauthenticatedSys(String path) {
    return path.equals("sys/health") || path.equals("sys/seal-status");
  }

  /**
   * Vault's root-protected paths among those the stand-in has: enabling and disabling auth methods.
   */
  private static boolean needsSudo(Request r) {
    return r.path().startsWith("sys/auth/") && !r.is(Request.READ);
  }

  private static MountEntry longest(Map<String, MountEntry> table, String path) {
    MountEntry best = null;
    for (MountEntry m : table.values()) {
      if ((path.equals(m.path) || path.startsWith(m.path + "/"))
          && (best == null || m.path.length() > best.path.length())) {
        best = m;
      }
    }
    return best;
  }

  private static String rest(String path, String mount) {
    return path.length() > mount.length() ? path.substring(mount.length() + 1) : "";
  }

  private Caller authenticate(Request r) {
    if (r.token().isEmpty() || r.token().get().isBlank()) {
      throw VaultError.missingToken();
    }
    TokenStore.Token t = r.token().flatMap(tokens::valid).orElseThrow(VaultError::invalidToken);
    List<Map<String, Set<String>>> rules = new ArrayList<>();
    for (String p : t.policies) {
      Map<String, Set<String>> parsed = policyRules.get(p);
      if (parsed != null) {
        rules.add(parsed);
      }
    }
    Identity.Entity entity = t.entityId.isEmpty() ? null : identity.byId(t.entityId).orElse(null);
    return new Caller(t, Acl.of(rules, t.isRoot()), entity);
  }

  private void setPolicy(String name, String text) {
    Map<String, Set<String>> parsed = PolicyText.parse(text);
    policyText.put(name, text);
    policyRules.put(name, parsed);
  }

  // ---- sys/ --------------------------------------------------------------------------------

  private Reply sys(Request r, String sub, Caller caller) {
    switch (sub) {
      case "health" -> {
        ObjectNode h = Json.object();
        h.put("initialized", true);
        h.put("sealed", sealed);
        h.put("standby", standby);
        h.put("server_time_utc", clock.instant().getEpochSecond());
        h.put("version", "1.8.12+stand-in");
        return Reply.json(sealed ? 503 : standby ? 429 : 200, h);
      }
      case "seal-status" -> {
        ObjectNode s = Json.object();
        s.put("type", "shamir");
        s.put("initialized", true);
        s.put("sealed", sealed);
        s.put("t", 1);
        s.put("n", 1);
        s.put("progress", 0);
        s.put("version", "1.8.12+stand-in");
        return Reply.json(s);
      }
      case "mounts" -> {
        requireOp(r, Request.READ);
        return listing(mounts);
      }
      case "auth" -> {
        requireOp(r, Request.READ);
        return listing(authMounts);
      }
      case "policies/acl" -> {
        requireOp(r, Request.LIST);
        return Reply.data(Json.object().set("keys", Json.array(policyText.keySet())));
      }
      case "capabilities-self" -> {
        requireOp(r, Request.UPDATE);
        List<String> paths = Json.strings(r.body().get("paths"));
        if (paths.isEmpty()) {
          paths = Json.strings(r.body().get("path"));
        }
        ObjectNode d = Json.object();
        List<String> all = new ArrayList<>();
        for (String p : paths) {
          List<String> caps = new ArrayList<>(caller.acl().capabilities(p));
          if (caps.isEmpty()) {
            caps.add("deny");
          }
          Collections.sort(caps);
          d.set(p, Json.array(caps));
          all.addAll(caps);
        }
        if (paths.size() == 1) {
          d.set("capabilities", Json.array(all));
        }
        return Reply.data(d);
      }
      default -> {}
    }
    if (sub.startsWith("policies/acl/")) {
      return policy(r, sub.substring("policies/acl/".length()));
    }
    if (sub.startsWith("mounts/")) {
      String rest = sub.substring("mounts/".length());
      if (rest.endsWith("/tune")) {
        return tune(r, rest.substring(0, rest.length() - "/tune".length()));
      }
      return mount(r, trimSlash(rest));
    }
    if (sub.startsWith("auth/")) {
      return authMount(r, trimSlash(sub.substring("auth/".length())));
    }
    throw VaultError.multi(404, "unsupported path");
  }

  private static void requireOp(Request r, String op) {
    if (!r.is(op)) {
      throw VaultError.unsupportedOperation();
    }
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static Reply listing(Map<String, MountEntry> table) {
    ObjectNode data = Json.object();
    table.values().forEach(m -> data.set(m.path + "/", m.describe()));
    ObjectNode envelope = Json.envelope(data, null, List.of());
    // Vault answers these listings both under data and at the top level.
    data.properties().forEach(e -> envelope.set(e.getKey(), e.getValue()));
    return Reply.json(envelope);
  }

  private Reply mount(Request r, String path) {
    if (r.is(Request.DELETE)) {
      if (Set.of("sys", "cubbyhole", "identity").contains(path)) {
        throw VaultError.badRequest("cannot unmount \"" + path + "/\"");
      }
      mounts.remove(path);
      return Reply.noContent();
    }
    requireOp(r, Request.UPDATE);
    String type = Json.text(r.body().get("type"), "");
    if (type.isEmpty()) {
      throw VaultError.badRequest("backend type must be specified as a string");
    }
    if (longest(mounts, path) != null
        || mounts.values().stream().anyMatch(m -> m.path.startsWith(path + "/"))) {
      throw VaultError.badRequest("path is already in use at " + path + "/");
    }
    MountEntry m = new MountEntry(path, type, type, Json.text(r.body().get("description"), ""));
    JsonNode config = r.body().path("config");
    m.defaultLeaseTtl = GoDurations.parse(config.get("default_lease_ttl"), "default_lease_ttl");
    m.maxLeaseTtl = GoDurations.parse(config.get("max_lease_ttl"), "max_lease_ttl");
    m.backend =
        switch (type) {
          case "pki" -> new PkiEngine(m, clock);
          case "kv", "generic" ->
              "2".equals(r.body().path("options").path("version").asText(""))
                  ? unimplemented("kv version 2")
                  : new KvEngine();
          case "kv-v2" -> unimplemented(type);
          default -> throw VaultError.badRequest("plugin not found in the catalog: " + type);
        };
    mounts.put(path, m);
    return Reply.noContent();
  }

  private static Backend unimplemented(String type) {
    return (req, s, c) -> {
      throw VaultError.badRequest(
          "the Vault stand-in mounts " + type + " engines but does not implement them");
    };
  }

  private Reply tune(Request r, String path) {
    MountEntry m = mounts.get(path);
    if (m == null) {
      m = path.startsWith("auth/") ? authMounts.get(path.substring(5)) : null;
    }
    if (m == null) {
      throw VaultError.badRequest("cannot fetch sysview for path \"" + path + "/\"");
    }
    if (r.is(Request.READ)) {
      ObjectNode t = m.tune();
      ObjectNode envelope = Json.envelope(t.deepCopy(), null, List.of());
      t.properties().forEach(e -> envelope.set(e.getKey(), e.getValue()));
      return Reply.json(envelope);
    }
    requireOp(r, Request.UPDATE);
    if (r.body().has("max_lease_ttl")) {
      m.maxLeaseTtl = GoDurations.parse(r.body().get("max_lease_ttl"), "max_lease_ttl");
    }
    if (r.body().has("default_lease_ttl")) {
      m.defaultLeaseTtl = GoDurations.parse(r.body().get("default_lease_ttl"), "default_lease_ttl");
    }
    if (!m.defaultLeaseTtl.isZero()
        && !m.maxLeaseTtl.isZero()
        && m.defaultLeaseTtl.compareTo(m.maxLeaseTtl) > 0) {
      throw VaultError.badRequest(
          "backend max lease TTL of "
              + m.maxLeaseTtl.toSeconds()
              + " would be less than backend default lease TTL of "
              + m.defaultLeaseTtl.toSeconds());
    }
    return Reply.noContent();
  }

  private Reply authMount(Request r, String path) {
    if (r.is(Request.DELETE)) {
      if (path.equals("token")) {
        throw VaultError.badRequest("token credential backend cannot be disabled");
      }
      authMounts.remove(path);
      return Reply.noContent();
    }
    requireOp(r, Request.UPDATE);
    String type = Json.text(r.body().get("type"), "");
    if (authMounts.containsKey(path)) {
      throw VaultError.badRequest("path is already in use at " + path + "/");
    }
    MountEntry m = new MountEntry(path, type, "auth", Json.text(r.body().get("description"), ""));
    m.backend =
        switch (type) {
          case "approle" -> new AppRoleMethod(m, clock, issuer);
          case "cert" -> new CertMethod(m, clock, issuer);
          case "kubernetes" -> new KubernetesMethod(m, issuer, reviewedJwts);
          case "token" ->
              throw VaultError.badRequest("token credential backend cannot be instantiated");
          case "" -> throw VaultError.badRequest("backend type must be specified as a string");
          default -> throw VaultError.badRequest("plugin not found in the catalog: " + type);
        };
    authMounts.put(path, m);
    return Reply.noContent();
  }

  private Reply policy(Request r, String name) {
    switch (r.operation()) {
      case Request.READ -> {
        String text = policyText.get(name);
        if (text == null) {
          throw VaultError.notFound();
        }
        ObjectNode d = Json.object();
        d.put("name", name);
        d.put("policy", text);
        return Reply.data(d);
      }
      case Request.UPDATE -> {
        if (name.equals("root")) {
          throw VaultError.badRequest("cannot update \"root\" policy");
        }
        String text = Json.text(r.body().get("policy"), "");
        if (text.isBlank()) {
          throw VaultError.badRequest("'policy' parameter not supplied or empty");
        }
        setPolicy(name, text);
        return Reply.noContent();
      }
      case Request.DELETE -> {
        if (name.equals("default") || name.equals("root")) {
          throw VaultError.badRequest("cannot delete \"" + name + "\" policy");
        }
        policyText.remove(name);
        policyRules.remove(name);
        return Reply.noContent();
      }
      default -> throw VaultError.unsupportedOperation();
    }
  }

  // ---- TLS ---------------------------------------------------------------------------------

  private static SSLContext serverContext(KeyPair key, X509Certificate cert, X509Certificate ca) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "stand-in".toCharArray();
      store.setKeyEntry("server", key.getPrivate(), password, new Certificate[] {cert, ca});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf.getKeyManagers(),
          new X509ExtendedTrustManager[] {new ClientCertificatesToAuthMethod()},
          null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the stand-in's TLS", e);
    }
  }

  /**
   * Accepts any client certificate at the TLS layer, as Vault's listener does: it is the cert auth
   * method ({@link CertMethod}) that decides whether a certificate is trusted, and it checks chain,
   * validity, usage and names in full.
   */
  private static final class ClientCertificatesToAuthMethod extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the stand-in is a server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the stand-in is a server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the stand-in is a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Settings for a {@link VaultStandIn}. */
  public static final class Builder {
    private StandInClock clock = new StandInClock();
    private boolean plainHttp;

    private Builder() {}

    /** The clock tokens, leases and certificates are timed by. */
    public Builder clock(StandInClock clock) {
      this.clock = clock;
      return this;
    }

    /** Also listen on plain HTTP (as {@code vault server -dev} does). */
    public Builder plainHttp(boolean on) {
      this.plainHttp = on;
      return this;
    }

    public VaultStandIn start() {
      try {
        return new VaultStandIn(this);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the Vault stand-in: " + e.getMessage(), e);
      }
    }
  }
}
