package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.tls.PinnedServerTrust;
import dev.edgetrust.tls.TransportFailure;
import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgetrust node list|block NODE|unblock NODE|reset NODE --config cloudcore.yaml}: the
 * operator's side of the CloudHub's admin API (address, port, token file and the pinned server
 * certificate from {@code modules.cloudHub.admin}).
 *
 * <p>The admin port is trusted by pin: the CLI accepts exactly the certificate in {@code
 * admin.serverCertFile}, for the address it dials, and no CA. A node's certificate (from the node
 * CA, whatever its usages) or the CloudHub's node-facing certificate never passes, so a process
 * squatting the admin port gets a failed handshake and never the bearer token.
 */
@Command(
    name = "node",
    description = "List, block, unblock or reset edge nodes through the CloudHub's admin API.",
    subcommands = {
      NodeCommand.ListNodes.class,
      NodeCommand.Block.class,
      NodeCommand.Unblock.class,
      NodeCommand.Reset.class
    })
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
    @Option(
        names = "--config",
        required = true,
        description = "cloudcore.yaml of the CloudHub (modules.cloudHub.admin)")
    Path config;

    @Option(
        names = "--token-file",
        description = "bearer token file (default: modules.cloudHub.admin.tokenFile)")
    Path tokenFile;

    @Option(
        names = "--cert",
        description = "admin client certificate (PEM), instead of or besides the token")
    Path certificate;

    @Option(names = "--key", description = "private key of --cert (PEM)")
    Path key;

    /** The answer of one request: status and JSON body. */
    record Reply(int status, JsonNode body) {}

    Reply call(String method, String path) throws Exception {
      CloudHubSettings settings = CloudHubConfig.load(config);
      AdminSettings admin = settings.admin();
      if (!admin.enabled()) {
        throw new UserErrors.UserException(
            config
                + ": the admin API is off; set modules.cloudHub.admin.enable: true "
                + "with a tokenFile or clientCAFile, and restart the CloudHub");
      }
      // The pin first: without the admin API's own certificate nothing is sent anywhere.
      X509Certificate pinned = pinnedServerCertificate(admin);
      Optional<String> token = token(admin);
      Optional<HeldCertificate> client = clientCertificate();
      if (token.isEmpty() && client.isEmpty()) {
        throw new UserErrors.UserException(
            "no credential for the admin API: set modules.cloudHub.admin.tokenFile in "
                + config
                + ", or pass --token-file or --cert/--key");
      }
      String host = admin.dialAddress();
      URI uri =
          URI.create(
              "https://"
                  + (host.contains(":") ? "[" + host + "]" : host)
                  + ":"
                  + admin.port()
                  + path);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(REQUEST_TIMEOUT)
              .method(method, HttpRequest.BodyPublishers.noBody());
      // Written only once the handshake has passed the pin and host check (TLS comes first).
      token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
      HttpClient http =
          HttpClient.newBuilder()
              .sslContext(JdkTls.context(client, PinnedServerTrust.of(pinned, host)))
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      HttpResponse<byte[]> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (ConnectException e) {
        throw new UserErrors.UserException(
            "cannot reach the admin API at "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + ": "
                + TransportFailure.connectFailure(uri.getHost() + ":" + uri.getPort(), e)
                + " (is the CloudHub running, with modules.cloudHub.admin.enable: true?)");
      } catch (SSLHandshakeException e) {
        throw new UserErrors.UserException(
            "refused the server at "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + " as the admin API, and sent it nothing: "
                + handshakeFailure(e)
                + " (the CLI trusts only the certificate in "
                + admin.serverCertificateFile()
                + ", which the CloudHub writes at start)");
      } catch (HttpTimeoutException e) {
        throw new UserErrors.UserException(
            "the admin API at "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + " did not answer within "
                + REQUEST_TIMEOUT.toSeconds()
                + " s");
      } catch (IOException e) {
        throw new UserErrors.UserException(
            "the admin API at " + uri.getHost() + ":" + uri.getPort() + " failed: " + e);
      }
      JsonNode body;
      try {
        body = JSON.readTree(response.body());
      } catch (IOException e) {
        body = null;
      }
      if (body == null || !body.isObject()) {
        throw new UserErrors.UserException(
            "the admin API answered " + response.statusCode() + " without JSON");
      }
      if (response.statusCode() == 401) {
        throw new UserErrors.UserException(
            "the admin API refused the credentials: " + body.path("error").asText());
      }
      if (body.has("error")) {
        throw new UserErrors.UserException(
            "the admin API answered " + response.statusCode() + ": " + body.path("error").asText());
      }
      return new Reply(response.statusCode(), body);
    }

    private Optional<String> token(AdminSettings admin) throws UserErrors.UserException {
      Optional<Path> configured = tokenFile != null ? Optional.of(tokenFile) : admin.tokenFile();
      if (configured.isEmpty()) {
        return Optional.empty();
      }
      Path file = configured.get();
      try {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
          throw new UserErrors.UserException(file + ": the admin token file is empty");
        }
        return Optional.of(token);
      } catch (NoSuchFileException e) {
        throw new UserErrors.UserException(file + ": no such admin token file");
      } catch (IOException e) {
        throw new UserErrors.UserException(
            file + ": cannot read the admin token: " + e.getMessage());
      }
    }

    private Optional<HeldCertificate> clientCertificate()
        throws UserErrors.UserException, CredentialFileException {
      if (certificate == null && key == null) {
        return Optional.empty();
      }
      if (certificate == null || key == null) {
        throw new UserErrors.UserException("--cert and --key go together");
      }
      return Optional.of(
          KeyCertificateView.of(key, certificate)
              .peek()
              .orElseThrow(() -> new UserErrors.UserException(certificate + ": no such file")));
    }

    /**
     * The admin API's own certificate, from {@code admin.serverCertFile}: the only certificate the
     * CLI accepts from the admin port.
     */
    private static X509Certificate pinnedServerCertificate(AdminSettings admin)
        throws UserErrors.UserException {
      Path file = admin.serverCertificateFile();
      try {
        return KeyCertificateFiles.readCertificates(file).get(0);
      } catch (CredentialFileException e) {
        throw new UserErrors.UserException(
            e.getMessage()
                + ": no admin API certificate to pin"
                + " (modules.cloudHub.admin.serverCertFile); the CloudHub writes it when it starts with the admin API on,"
                + " so start it, and run this command as a user who can read that file");
      }
    }

    /** The reason of a failed handshake, without the exception class chain. */
    private static String handshakeFailure(SSLHandshakeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return root.getMessage() == null ? e.getMessage() : root.getMessage();
    }
  }

  @Command(
      name = "list",
      description =
          "List the nodes: connected or not, since when, certificate serial, expiry, blocked.")
  static final class ListNodes implements Callable<Integer> {
    @Mixin AdminConnection admin;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonNode nodes = admin.call("GET", "/nodes").body().path("nodes");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NODE", "CONNECTED", "SINCE", "SERIAL", "EXPIRES", "BLOCKED"});
      List<String> cloudcore = new ArrayList<>();
      for (JsonNode n : nodes) {
        if (n.path("cloudcore").asBoolean()) {
          cloudcore.add(n.path("node").asText());
        }
        rows.add(
            new String[] {
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
      if (!cloudcore.isEmpty()) {
        // Migration progress: these move to a certificate naming them at their next renewal.
        out.println(
            "still on a cloudcore certificate (migration): " + String.join(", ", cloudcore));
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
          line.append(
              i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
        }
        out.println(line.toString().stripTrailing());
      }
    }
  }

  /** Prints a block/unblock report and turns its outcome into an exit code. */
  static int printReport(CommandLine.Model.CommandSpec spec, JsonNode report)
      throws UserErrors.UserException {
    PrintWriter out = spec.commandLine().getOut();
    out.println(report.path("action").asText() + " " + report.path("node").asText() + ":");
    for (JsonNode step : report.path("steps")) {
      out.println(
          "  ("
              + step.path("step").asText()
              + ") "
              + step.path("title").asText()
              + ": "
              + step.path("outcome").asText());
      out.println("      " + step.path("detail").asText());
    }
    String next = report.path("nextStep").asText("");
    if (!next.isEmpty()) {
      out.println("next: " + next);
    }
    out.flush();
    String outcome = report.path("outcome").asText();
    if (!outcome.equals("done")) {
      throw new UserErrors.UserException(
          report.path("action").asText()
              + " of node "
              + report.path("node").asText()
              + " "
              + (outcome.equals("failed") ? "failed" : "was only partly done")
              + "; see the steps above");
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

  /** One node, one admin action: {@code POST /nodes/NODE/<action>}, its report printed. */
  abstract static class NodeAction implements Callable<Integer> {
    @Mixin AdminConnection admin;
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NODE", description = "the node's name")
    String node;

    /** The last segment of the admin API's path: {@code block}, {@code unblock}, {@code reset}. */
    abstract String action();

    @Override
    public Integer call() throws Exception {
      return printReport(
          spec, admin.call("POST", "/nodes/" + nodeName(node).value() + "/" + action()).body());
    }
  }

  @Command(
      name = "block",
      description =
          "Block a node: refuse its renewal credential, revoke its certificates, close its session, refuse its handshakes.")
  static final class Block extends NodeAction {
    @Override
    String action() {
      return "block";
    }
  }

  @Command(
      name = "unblock",
      description = "Unblock a node; it must re-enroll (its revoked certificates stay revoked).")
  static final class Unblock extends NodeAction {
    @Override
    String action() {
      return "unblock";
    }
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      description = {
        "Reset a node for a new device under its name.",
        "Revokes its certificates, closes its session, and lets one new token enrollment take the name",
        "(then: ./edgetrust token --config cloudcore.yaml --node NODE)."
      })
  static final class Reset extends NodeAction {
    @Override
    String action() {
      return "reset";
    }
  }
}
