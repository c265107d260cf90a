package dev.edgetrust.cfssl.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Pem;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code cfssl serve} on a free loopback port, with its own CA (made by {@code cfssl genkey
 * -initca}) and an auth key, for tests and {@code ./edgetrust demo --pki cfssl}: it starts the real
 * binary, it stands in for nothing. Main code so that the demo in the shaded jar has it; it depends
 * on {@code core} only (pki-cfssl's tests use it, so it cannot use pki-cfssl). Its profiles:
 *
 * <ul>
 *   <li>{@code node}: client auth, {@link #NODE_EXPIRY}, CSR names not copied (CSRWhitelist);
 *   <li>{@code server}: server auth, 24h, CSR names not copied;
 *   <li>{@code node-server-auth}: a misconfigured node profile that adds server auth;
 *   <li>{@code node-copies-csr}: a node profile without CSRWhitelist, which copies the CSR's names;
 *   <li>{@code node-long}: a node profile whose expiry (a year) exceeds what nodes ask;
 *   <li>{@code node-open}: the node profile without auth key, for the unauthenticated sign
 *       endpoint.
 * </ul>
 *
 * <p>Fails, saying what to install, when {@code cfssl} is not on the PATH: the CFSSL tests and the
 * demo run against the real server or not at all, never silently skipped.
 */
public final class CfsslServer implements AutoCloseable {
  public static final String HOW_TO_INSTALL =
      "cfssl is not on the PATH: CFSSL runs as a real 'cfssl serve'. Install it: apt-get install golang-cfssl";

  /** How long cfssl serve may take to answer after it is started. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  public static final Duration NODE_EXPIRY = Duration.ofHours(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Process process;
  private final URI address;
  private final Path authKeyFile;
  private final X509Certificate ca;
  private final Optional<Path> tlsCaFile;

  private CfsslServer(
      Path dir,
      Process process,
      URI address,
      Path authKeyFile,
      X509Certificate ca,
      Optional<Path> tlsCaFile) {
    this.dir = dir;
    this.process = process;
    this.address = address;
    this.authKeyFile = authKeyFile;
    this.ca = ca;
    this.tlsCaFile = tlsCaFile;
  }

  /**
   * Makes a CA and config in {@code dir} and starts {@code cfssl serve}; returns once it answers.
   */
  public static CfsslServer start(Path dir) throws IOException, InterruptedException {
    return start(dir, systemPath(), false);
  }

  /**
   * As {@link #start(Path)}, with node certificates of {@code nodeExpiry} (whole minutes, at least
   * two), for the demo's live rotations. CFSSL 1.2.0 takes notBefore as the time rounded to the
   * minute less the profile's backdate (5 min unless set) and notAfter as notBefore + expiry, so a
   * short-lived profile backdates by 30 s only: notBefore is never in the future, and a certificate
   * has between {@code nodeExpiry} - 60 s and {@code nodeExpiry} left when it is issued.
   */
  public static CfsslServer startForNodeLifetime(Path dir, Duration nodeExpiry)
      throws IOException, InterruptedException {
    if (nodeExpiry.toSeconds() % 60 != 0 || nodeExpiry.toMinutes() < 2) {
      throw new IllegalArgumentException(
          "a CFSSL node lifetime is whole minutes, at least 2, not " + nodeExpiry);
    }
    return start(dir, systemPath(), false, Optional.of(nodeExpiry));
  }

  /**
   * As {@link #start(Path)}, serving HTTPS with a certificate for 127.0.0.1 from a CA of its own
   * ({@link #tlsCaFile()}), not the signing CA: what {@code serverCA} names.
   */
  public static CfsslServer startTls(Path dir) throws IOException, InterruptedException {
    return start(dir, systemPath(), true);
  }

  private static String systemPath() {
    return Optional.ofNullable(System.getenv("PATH")).orElse("");
  }

  /** As {@link #start(Path)}, looking for {@code cfssl} in {@code searchPath} (PATH's syntax). */
  public static CfsslServer start(Path dir, String searchPath, boolean tls)
      throws IOException, InterruptedException {
    return start(dir, searchPath, tls, Optional.empty());
  }

  private static CfsslServer start(
      Path dir, String searchPath, boolean tls, Optional<Duration> shortNodes)
      throws IOException, InterruptedException {
    Path cfssl =
        executable("cfssl", searchPath)
            .orElseThrow(() -> new IllegalStateException(HOW_TO_INSTALL));
    Files.createDirectories(dir);
    Path caCsr = dir.resolve("ca-csr.json");
    Files.writeString(
        caCsr, "{\"CN\":\"edgetrust test CFSSL CA\",\"key\":{\"algo\":\"ecdsa\",\"size\":256}}");
    JsonNode initca =
        JSON.readTree(run(dir, cfssl.toString(), "genkey", "-initca", caCsr.toString()));
    Path caFile = dir.resolve("ca.pem");
    Files.writeString(caFile, initca.path("cert").asText());
    Path caKey = dir.resolve("ca-key.pem");
    AtomicFile.writeSecret(caKey, initca.path("key").asText().getBytes(StandardCharsets.US_ASCII));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String hexKey = HexFormat.of().formatHex(key);
    Path authKeyFile = dir.resolve("auth.key");
    AtomicFile.writeSecret(authKeyFile, hexKey.getBytes(StandardCharsets.US_ASCII));
    Path config = dir.resolve("config.json");
    AtomicFile.writeSecret(config, JSON.writeValueAsBytes(serverConfig(hexKey, shortNodes)));

    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                cfssl.toString(),
                "serve",
                "-address",
                "127.0.0.1",
                "-port",
                String.valueOf(port),
                "-ca",
                caFile.toString(),
                "-ca-key",
                caKey.toString(),
                "-config",
                config.toString()));
    Optional<Path> tlsCa = Optional.empty();
    List<X509Certificate> trust = List.of();
    if (tls) {
      Path tlsDir = Files.createDirectories(dir.resolve("tls"));
      Path tlsCaCsr = tlsDir.resolve("ca-csr.json");
      Files.writeString(
          tlsCaCsr,
          "{\"CN\":\"edgetrust test CFSSL TLS CA\",\"key\":{\"algo\":\"ecdsa\",\"size\":256}}");
      JsonNode tlsInit =
          JSON.readTree(run(dir, cfssl.toString(), "genkey", "-initca", tlsCaCsr.toString()));
      tlsCa = Optional.of(tlsDir.resolve("ca.pem"));
      Files.writeString(tlsCa.get(), tlsInit.path("cert").asText());
      Path tlsCaKey = tlsDir.resolve("ca-key.pem");
      AtomicFile.writeSecret(
          tlsCaKey, tlsInit.path("key").asText().getBytes(StandardCharsets.US_ASCII));
      Path serverCsr = tlsDir.resolve("server-csr.json");
      Files.writeString(serverCsr, "{\"CN\":\"cfssl\",\"key\":{\"algo\":\"ecdsa\",\"size\":256}}");
      JsonNode server =
          JSON.readTree(
              run(
                  dir,
                  cfssl.toString(),
                  "gencert",
                  "-ca",
                  tlsCa.get().toString(),
                  "-ca-key",
                  tlsCaKey.toString(),
                  "-config",
                  config.toString(),
                  "-profile",
                  "server",
                  "-hostname",
                  "127.0.0.1",
                  serverCsr.toString()));
      Path cert = tlsDir.resolve("server.pem");
      Files.writeString(cert, server.path("cert").asText());
      Path tlsKey = tlsDir.resolve("server-key.pem");
      AtomicFile.writeSecret(
          tlsKey, server.path("key").asText().getBytes(StandardCharsets.US_ASCII));
      command.addAll(List.of("-tls-cert", cert.toString(), "-tls-key", tlsKey.toString()));
      trust = Pem.parseCertificates(Files.readString(tlsCa.get()));
    }
    Path log = dir.resolve("cfssl-serve.log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    URI address = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port);
    CfsslServer server =
        new CfsslServer(
            dir,
            process,
            address,
            authKeyFile,
            Pem.parseCertificates(Files.readString(caFile)).get(0),
            tlsCa);
    try {
      server.awaitAnswers(trust, log);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Returns once the server answers {@code /api/v1/cfssl/info} with 200: observed, because cfssl
   * logs "Now listening" before it binds. Fails if it exits or does not answer within {@link
   * #START_TIMEOUT}.
   */
  private void awaitAnswers(List<X509Certificate> trust, Path log)
      throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(JdkTls.context(Optional.empty(), trust.isEmpty() ? List.of(ca) : trust))
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest info =
        HttpRequest.newBuilder(address.resolve("/api/v1/cfssl/info"))
            .timeout(Duration.ofSeconds(2))
            .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"\",\"profile\":\"node\"}"))
            .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "cfssl serve exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        if (http.send(info, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "cfssl serve on "
                + address
                + " did not answer within "
                + START_TIMEOUT
                + "; its log: "
                + log);
      }
      Thread.sleep(50);
    }
  }

  private static ObjectNode serverConfig(String hexKey, Optional<Duration> shortNodes) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode signing = root.putObject("signing");
    signing.set("default", profile("1h", false, "client auth").put("auth_key", "edgetrust"));
    ObjectNode profiles = signing.putObject("profiles");
    String nodeExpiry = NODE_EXPIRY.toHours() + "h";
    profiles.set(
        "node",
        shortNodes
            .map(
                expiry ->
                    profile(expiry.toSeconds() + "s", true, "client auth").put("backdate", "30s"))
            .orElseGet(() -> profile(nodeExpiry, true, "client auth"))
            .put("auth_key", "edgetrust"));
    profiles.set("server", profile("24h", true, "server auth").put("auth_key", "edgetrust"));
    profiles.set(
        "node-server-auth",
        profile(nodeExpiry, true, "client auth", "server auth").put("auth_key", "edgetrust"));
    profiles.set(
        "node-copies-csr", profile(nodeExpiry, false, "client auth").put("auth_key", "edgetrust"));
    profiles.set("node-long", profile("8760h", true, "client auth").put("auth_key", "edgetrust"));
    profiles.set("node-open", profile(nodeExpiry, true, "client auth"));
    ObjectNode keys = root.putObject("auth_keys");
    keys.putObject("edgetrust").put("type", "standard").put("key", hexKey);
    return root;
  }

  private static ObjectNode profile(String expiry, boolean csrKeyOnly, String... extendedUsages) {
    ObjectNode profile = JSON.createObjectNode();
    profile.put("expiry", expiry);
    ArrayNode usages = profile.putArray("usages");
    usages.add("digital signature").add("key encipherment");
    for (String usage : extendedUsages) {
      usages.add(usage);
    }
    if (csrKeyOnly) {
      // CFSSL 1.2.0 knows this field by its Go name only (no JSON tag). Without it, CSR subject
      // fields the request leaves empty are copied into the certificate.
      profile
          .putObject("CSRWhitelist")
          .put("PublicKey", true)
          .put("PublicKeyAlgorithm", true)
          .put("SignatureAlgorithm", true);
    }
    return profile;
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Path err = Files.createTempFile(dir, "cfssl", ".err");
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " failed: " + Files.readString(err));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static Optional<Path> executable(String name, String searchPath) {
    for (String d : searchPath.split(File.pathSeparator)) {
      if (d.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(d, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public URI address() {
    return address;
  }

  /** The file holding the profiles' auth key (hex, 0600). */
  public Path authKeyFile() {
    return authKeyFile;
  }

  /** The CA of this server's HTTPS certificate, when it was started with {@link #startTls}. */
  public Optional<Path> tlsCaFile() {
    return tlsCaFile;
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  public Path directory() {
    return dir;
  }

  /** Stops the server and waits until it has exited. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
