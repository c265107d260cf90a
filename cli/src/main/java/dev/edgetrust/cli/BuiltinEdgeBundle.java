package dev.edgetrust.cli;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.EdgeBundleDirectory;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Device enrollment's output on the built-in CA, the same shape as on Vault ({@link
 * EdgeBundleDirectory}): a directory (0700) an edge node runs from as is — a node-bound join token
 * (0600), the CA certificate, and an {@code edgecore.yaml} that enrolls with that token at the
 * CloudHub's bootstrap on first start and then renews over mutual TLS.
 */
final class BuiltinEdgeBundle {
  static final String TOKEN_FILE = "join-token";

  /**
   * Where the node reaches the CloudHub, and how long its token is good for.
   *
   * @param websocket the CloudHub's WebSocket address ({@code websocket.server})
   * @param bootstrap the CloudHub's bootstrap URL ({@code httpServer})
   * @param tokenValidity how long the node has to enroll with its token
   */
  record Options(ServerAddress websocket, URI bootstrap, Duration tokenValidity) {
    Options {
      Objects.requireNonNull(websocket, "websocket");
      Objects.requireNonNull(bootstrap, "bootstrap");
      Objects.requireNonNull(tokenValidity, "tokenValidity");
    }
  }

  /**
   * What was written. Never holds the token: only what it allows.
   *
   * @param files the files written, relative to the directory
   */
  record Written(Path dir, JoinTokenClaims.NodeBound token, List<String> files) {
    Path edgecore() {
      return dir.resolve(EdgeBundleDirectory.EDGECORE);
    }
  }

  private BuiltinEdgeBundle() {}

  /**
   * Mints a token for {@code node} alone and writes its bundle to {@code dir}.
   *
   * @throws ConfigException if {@code dir} is a non-empty directory and {@code force} is false, or
   *     not a directory
   * @throws PkiException if the PKI must be asked for its CA certificate and cannot answer (CFSSL
   *     down): nothing is written then
   */
  static Written write(JoinTokenMinting ca, NodeName node, Path dir, boolean force, Options options)
      throws ConfigException, IOException, PkiException {
    Path out = dir.toAbsolutePath().normalize();
    EdgeBundleDirectory.checkTarget(out, force);
    MintedJoinToken token = ca.mintFor(node, options.tokenValidity());
    EdgeBundleDirectory.create(out);
    AtomicFile.writeSecret(out.resolve(TOKEN_FILE), EdgeBundleDirectory.line(token.value()));
    AtomicFile.writePublic(
        out.resolve(EdgeBundleDirectory.CA_FILE),
        Pem.certificate(ca.caCertificate()).getBytes(StandardCharsets.US_ASCII));
    // Last: a bundle with an edgecore.yaml is a complete one.
    AtomicFile.writeSecret(
        out.resolve(EdgeBundleDirectory.EDGECORE),
        edgecore(node, options).getBytes(StandardCharsets.UTF_8));
    return new Written(
        out,
        (JoinTokenClaims.NodeBound) token.claims(),
        List.of(TOKEN_FILE, EdgeBundleDirectory.CA_FILE, EdgeBundleDirectory.EDGECORE));
  }

  /**
   * A KubeEdge edgecore.yaml for the node: only what the EdgeHub reads, paths relative to the file.
   */
  static String edgecore(NodeName node, Options options) {
    StringBuilder y = new StringBuilder();
    y.append("# edgecore.yaml for node ")
        .append(node)
        .append(", written by 'edgetrust enroll' at ")
        .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append(".\n");
    y.append("# On first start the node enrolls with the join token in '")
        .append(TOKEN_FILE)
        .append("' (node ")
        .append(node)
        .append(" only, once),\n");
    y.append("# then renews its certificate (CN=")
        .append(node.commonName())
        .append(") over mutual TLS. Relative paths are relative to this file.\n");
    y.append("modules:\n");
    y.append("  edged:\n");
    y.append("    hostnameOverride: ").append(EdgeBundleDirectory.quote(node.value())).append('\n');
    y.append("  edgeHub:\n");
    y.append("    enable: true\n");
    y.append("    httpServer: ")
        .append(EdgeBundleDirectory.quote(options.bootstrap().toString()))
        .append('\n');
    y.append("    tlsCaFile: ")
        .append(EdgeBundleDirectory.quote(EdgeBundleDirectory.CA_FILE))
        .append('\n');
    y.append("    tlsCertFile: ")
        .append(EdgeBundleDirectory.quote("certs/server.crt"))
        .append('\n');
    y.append("    tlsPrivateKeyFile: ")
        .append(EdgeBundleDirectory.quote("certs/server.key"))
        .append('\n');
    y.append("    tokenFile: ").append(EdgeBundleDirectory.quote(TOKEN_FILE)).append('\n');
    y.append("    websocket:\n");
    y.append("      enable: true\n");
    y.append("      server: ")
        .append(EdgeBundleDirectory.quote(options.websocket().authority()))
        .append('\n');
    return y.toString();
  }
}
