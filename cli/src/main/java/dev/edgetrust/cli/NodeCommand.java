package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.cloudhub.CloudHubConfig;
import dev.edgetrust.cloudhub.CloudHubSettings;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgetrust node list|block NODE|unblock NODE|reset NODE --config cloudcore.yaml}: the operator's
 * side of the CloudHub's admin API (address, port and token file from {@code
 * modules.cloudHub.admin}).
 */
@Command(
    name = "node",
    description = "List, block, unblock or reset edge nodes through the CloudHub's admin API.",
    subcommands = {NodeCommand.ListNodes.class, NodeCommand.Block.class, NodeCommand.Unblock.class, NodeCommand.Reset.class})
final class NodeCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A block calls the PKI several times; leave it time. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the admin API is and how to authenticate to it. */
  static final class AdminConnection {
    @Option(names = "--config", required = true, description = "cloudcore.yaml of the CloudHub (modules.cloudHub.admin)")
    Path config;

    @Option(names = "--token-file", description = "bearer token file (default: modules.cloudHub.admin.tokenFile)")
    Path tokenFile;

    @Option(names = "--cert", description = "admin client certificate (PEM), instead of or besides the token")
    Path certificate;

    @Option(names = "--key", description = "private key of --cert (PEM)")
    Path key;

    /** The answer of one request: status and JSON body. */
    record Reply(int status, JsonNode body) {}

    Reply call(String method, String path) throws Exception {
      CloudHubSettings settings = CloudHubConfig.load(config);
      CloudHubSettings.Admin admin = settings.admin();
      if (!admin.enabled()) {
        throw new UserErrors.UserException(config + ": the admin API is off; set modules.cloudHub.admin.enable: true "
            + "with a tokenFile or clientCAFile, and restart the CloudHub");
      }
      Optional<String> token = token(admin);
      Optional<HeldCertificate> client = clientCertificate();
      if (token.isEmpty() && client.isEmpty()) {
        throw new UserErrors.UserException(
            "no credential for the admin API: set modules.cloudHub.admin.tokenFile in " + config + ", or pass --token-file or --cert/--key");
      }
      URI uri = URI.create("https://" + hostOf(admin.address()) + ":" + admin.port() + path);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri)
          .timeout(REQUEST_TIMEOUT)
          .method(method, HttpRequest.BodyPublishers.noBody());
      token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
      HttpClient http = HttpClient.newBuilder()
          .sslContext(tls(settings.caCertificateFile(), client))
          .connectTimeout(Duration.ofSeconds(10))
          .build();
      HttpResponse<byte[]> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (ConnectException e) {
        throw new UserErrors.UserException("cannot reach the admin API at " + uri.getHost() + ":" + uri.getPort()
            + ": connection refused (is the CloudHub running, with modules.cloudHub.admin.enable: true?)");
      } catch (SSLHandshakeException e) {
        throw new UserErrors.UserException("TLS with the admin API at " + uri.getHost() + ":" + uri.getPort()
            + " failed: " + e.getMessage() + " (is " + settings.caCertificateFile() + " the CA of its server certificate?)");
      } catch (HttpTimeoutException e) {
        throw new UserErrors.UserException("the admin API at " + uri.getHost() + ":" + uri.getPort()
            + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
      } catch (IOException e) {
        throw new UserErrors.UserException("the admin API at " + uri.getHost() + ":" + uri.getPort() + " failed: " + e);
      }
      JsonNode body;
      try {
        body = JSON.readTree(response.body());
      } catch (IOException e) {
        body = null;
      }
      if (body == null || !body.isObject()) {
        throw new UserErrors.UserException("the admin API answered " + response.statusCode() + " without JSON");
      }
      if (response.statusCode() == 401) {
        throw new UserErrors.UserException("the admin API refused the credentials: " + body.path("error").asText());
      }
      if (body.has("error")) {
        throw new UserErrors.UserException("the admin API answered " + response.statusCode() + ": " + body.path("error").asText());
      }
      return new Reply(response.statusCode(), body);
    }

    private Optional<String> token(CloudHubSettings.Admin admin) throws UserErrors.UserException {
      Path file = tokenFile != null ? tokenFile : admin.tokenFile();
      if (file == null) {
        return Optional.empty();
      }
      try {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
          throw new UserErrors.UserException(file + ": the admin token file is empty");
        }
        return Optional.of(token);
      } catch (NoSuchFileException e) {
        throw new UserErrors.UserException(file + ": no such admin token file");
      } catch (IOException e) {
        throw new UserErrors.UserException(file + ": cannot read the admin token: " + e.getMessage());
      }
    }

    private Optional<HeldCertificate> clientCertificate() throws UserErrors.UserException, CredentialFileException {
      if (certificate == null && key == null) {
        return Optional.empty();
      }
      if (certificate == null || key == null) {
        throw new UserErrors.UserException("--cert and --key go together");
      }
      return Optional.of(KeyCertificateView.of(key, certificate).peek()
          .orElseThrow(() -> new UserErrors.UserException(certificate + ": no such file")));
    }

    /** A wildcard listen address is reached on loopback. */
    private static String hostOf(String address) {
      return switch (address) {
        case "0.0.0.0" -> "127.0.0.1";
        case "::", "0:0:0:0:0:0:0:0" -> "[::1]";
        default -> address.contains(":") ? "[" + address + "]" : address;
      };
    }
  }

  /**
   * Trusts server certificates that chain to the CloudHub's CA ({@code tlsCAFile}) and are made
   * for server authentication. The host name is not compared: the admin API usually listens on
   * loopback, which the CloudHub's certificate need not name.
   */
  static SSLContext tls(Path caFile, Optional<HeldCertificate> client) throws Exception {
    List<X509Certificate> anchors = KeyCertificateFiles.readCertificates(caFile);
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < anchors.size(); i++) {
      store.setCertificateEntry("ca-" + i, anchors.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    X509ExtendedTrustManager chain = null;
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        chain = x;
      }
    }
    if (chain == null) {
      throw new GeneralSecurityException("the JDK offers no X509ExtendedTrustManager");
    }
    KeyManagerFactory kmf = null;
    if (client.isPresent()) {
      char[] none = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("admin", client.get().privateKey(), none, client.get().chain().toArray(Certificate[]::new));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, none);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {new ChainOnly(chain)}, new SecureRandom());
    return context;
  }

  /** PKIX validation of the server's chain (including its serverAuth usage), without the host name check. */
  private static final class ChainOnly extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager chain;

    ChainOnly(X509ExtendedTrustManager chain) {
      this.chain = chain;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
      chain.checkServerTrusted(certs, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
      chain.checkServerTrusted(certs, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
      chain.checkServerTrusted(certs, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
      throw new CertificateException("a client does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return chain.getAcceptedIssuers();
    }
  }

  @Command(name = "list", description = "List the nodes: connected or not, since when, certificate serial, expiry, blocked.")
  static final class ListNodes implements Callable<Integer> {
    @Mixin AdminConnection admin;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonNode nodes = admin.call("GET", "/nodes").body().path("nodes");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NODE", "CONNECTED", "SINCE", "SERIAL", "EXPIRES", "BLOCKED"});
      for (JsonNode n : nodes) {
        rows.add(new String[] {
          n.path("node").asText(),
          n.path("connected").asBoolean() ? "yes" : "no",
          text(n.path("since")),
          text(n.path("serial")),
          text(n.path("expiry")),
          n.path("blocked").asBoolean() ? "BLOCKED" : "no"
        });
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rows.size() == 1) {
        out.println("no nodes connected, blocked or known");
      } else {
        printTable(out, rows);
      }
      out.flush();
      return 0;
    }

    private static String text(JsonNode n) {
      return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? "-" : n.asText();
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
      int[] widths = new int[rows.get(0).length];
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
        }
        out.println(line.toString().stripTrailing());
      }
    }
  }

  /** Prints a block/unblock report and turns its outcome into an exit code. */
  static int printReport(CommandLine.Model.CommandSpec spec, JsonNode report) throws UserErrors.UserException {
    PrintWriter out = spec.commandLine().getOut();
    out.println(report.path("action").asText() + " " + report.path("node").asText() + ":");
    for (JsonNode step : report.path("steps")) {
      out.println("  (" + step.path("step").asText() + ") " + step.path("title").asText() + ": " + step.path("outcome").asText());
      out.println("      " + step.path("detail").asText());
    }
    String next = report.path("nextStep").asText("");
    if (!next.isEmpty()) {
      out.println("next: " + next);
    }
    out.flush();
    String outcome = report.path("outcome").asText();
    if (!outcome.equals("done")) {
      throw new UserErrors.UserException(report.path("action").asText() + " of node " + report.path("node").asText()
          + " " + (outcome.equals("failed") ? "failed" : "was only partly done") + "; see the steps above");
    }
    return 0;
  }

  static NodeName nodeName(String name) throws UserErrors.UserException {
    try {
      return NodeName.of(name);
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UserException(e.getMessage());
    }
  }

  @Command(name = "block", description = "Block a node: refuse its renewal credential, revoke its certificates, close its session, refuse its handshakes.")
  static final class Block implements Callable<Integer> {
    @Mixin AdminConnection admin;
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NODE", description = "the node's name")
    String node;

    @Override
    public Integer call() throws Exception {
      return printReport(spec, admin.call("POST", "/nodes/" + nodeName(node).value() + "/block").body());
    }
  }

  @Command(name = "unblock", description = "Unblock a node; it must re-enroll (its revoked certificates stay revoked).")
  static final class Unblock implements Callable<Integer> {
    @Mixin AdminConnection admin;
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NODE", description = "the node's name")
    String node;

    @Override
    public Integer call() throws Exception {
      return printReport(spec, admin.call("POST", "/nodes/" + nodeName(node).value() + "/unblock").body());
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true, description = {
      "Reset a node for a new device under its name: revoke its certificates, close its session, and let one",
      "new token enrollment take the name (then: ./edgetrust token --config cloudcore.yaml --node NODE)."})
  static final class Reset implements Callable<Integer> {
    @Mixin AdminConnection admin;
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NODE", description = "the node's name")
    String node;

    @Override
    public Integer call() throws Exception {
      return printReport(spec, admin.call("POST", "/nodes/" + nodeName(node).value() + "/reset").body());
    }
  }
}
