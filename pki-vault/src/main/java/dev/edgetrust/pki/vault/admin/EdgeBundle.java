package dev.edgetrust.pki.vault.admin;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.GoDuration;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.EdgeBundleDirectory;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.EnrolledNode;
import dev.edgetrust.pki.vault.NodeCredential;
import dev.edgetrust.pki.vault.SetupStep;
import dev.edgetrust.pki.vault.VaultEnrollment;
import dev.edgetrust.pki.vault.VaultPkiProvider;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Device enrollment's output: for node NODE, Vault's role and policy for that name only, a
 * credential carrying only that policy, and a directory (0700) an edge node can run from — the
 * credential (0600), Vault's CA bundle, Vault's TLS CA if one is configured, and an {@code
 * edgecore.yaml} with {@code modules.edgeHub.vault} enabled and every path relative to it.
 */
public final class EdgeBundle {
  public static final String EDGECORE = EdgeBundleDirectory.EDGECORE;
  public static final String TOKEN_FILE = "vault-token";
  public static final String ROLE_ID_FILE = "role-id";
  public static final String SECRET_ID_FILE = "secret-id";
  public static final String CA_FILE = EdgeBundleDirectory.CA_FILE;
  public static final String VAULT_SERVER_CA_FILE = "vault-server-ca.crt";

  /**
   * What to enroll with.
   *
   * @param mount the PKI mount
   * @param auth a token, an AppRole secret_id, or its certificate (after a first one with a token)
   * @param ttl the certificate lifetime the node asks for (and the role's default)
   * @param maxTtl the role's cap on any certificate
   * @param tokenTtl the lifetime of the node's token (renewable)
   * @param cloudhub the CloudHub's WebSocket address for {@code websocket.server}, {@code
   *     host:port}
   * @param nodeVaultAddress Vault's address as the node reaches it
   * @param vaultServerCa Vault's TLS CA file to copy into the bundle, if there is one
   * @param secretIdTtl how long an AppRole secret_id can log in
   * @param secretIdUses how many logins an AppRole secret_id allows (0: no limit)
   */
  public record Options(
      String mount,
      EnrolledNode.Auth auth,
      Duration ttl,
      Duration maxTtl,
      Duration tokenTtl,
      String cloudhub,
      URI nodeVaultAddress,
      Optional<Path> vaultServerCa,
      Duration secretIdTtl,
      int secretIdUses) {
    /** Options with the default AppRole secret_id limits. */
    public Options(
        String mount,
        EnrolledNode.Auth auth,
        Duration ttl,
        Duration maxTtl,
        Duration tokenTtl,
        String cloudhub,
        URI nodeVaultAddress,
        Optional<Path> vaultServerCa) {
      this(
          mount,
          auth,
          ttl,
          maxTtl,
          tokenTtl,
          cloudhub,
          nodeVaultAddress,
          vaultServerCa,
          VaultEnrollment.DEFAULT_SECRET_ID_TTL,
          VaultEnrollment.DEFAULT_SECRET_ID_USES);
    }

    public Options {
      Objects.requireNonNull(mount, "mount");
      Objects.requireNonNull(auth, "auth");
      Objects.requireNonNull(cloudhub, "cloudhub");
      Objects.requireNonNull(nodeVaultAddress, "nodeVaultAddress");
      Objects.requireNonNull(vaultServerCa, "vaultServerCa");
      if (ttl.compareTo(maxTtl) > 0) {
        throw new IllegalArgumentException(
            "--ttl "
                + GoDuration.format(ttl)
                + " is longer than --max-ttl "
                + GoDuration.format(maxTtl));
      }
    }
  }

  /**
   * What enrollment did and wrote. Never holds the secret itself: only the credential's accessor.
   *
   * @param steps the role and policy steps, done or already done
   * @param credential the credential (its token or secret_id is in the file, not printed)
   * @param files the files written, relative to the directory
   */
  public record Written(
      Path dir, List<SetupStep> steps, NodeCredential credential, List<String> files) {
    public Path edgecore() {
      return dir.resolve(EDGECORE);
    }
  }

  private EdgeBundle() {}

  /**
   * Enrolls {@code node} and writes its bundle to {@code dir}.
   *
   * @throws ConfigException if {@code dir} is a non-empty directory and {@code force} is false, or
   *     not a directory
   * @throws PkiException if Vault refuses or cannot be reached
   */
  public static Written enroll(
      VaultClient client,
      VaultCredential operator,
      NodeName node,
      Path dir,
      boolean force,
      Options options)
      throws ConfigException, PkiException, IOException {
    Path out = dir.toAbsolutePath().normalize();
    EdgeBundleDirectory.checkTarget(out, force);
    VaultEnrollment enrollment =
        VaultEnrollment.builder(client, operator)
            .mount(options.mount())
            .certificateTtl(options.ttl(), options.maxTtl())
            .tokenTtl(options.tokenTtl())
            // Periodic: each renewal is good for --token-ttl and there is no max TTL, so a device
            // that keeps renewing keeps its token for years (README: token lifetime).
            .tokenPeriod(options.tokenTtl())
            .secretIdLimits(options.secretIdTtl(), options.secretIdUses())
            .build();
    // The CA bundle first: if the mount has no CA yet, say to run 'vault setup' before anything is
    // made.
    List<X509Certificate> ca;
    try {
      ca =
          VaultPkiProvider.create(client, operator, options.mount(), VaultEnrollment.roleName(node))
              .trustAnchors();
    } catch (PkiException e) {
      if (e.isRetryable() || e.getMessage().contains("vault setup")) {
        throw e;
      }
      // Vault answers an unauthenticated read of a path no engine serves with 403, not 404.
      throw PkiException.refused(
          "cannot read the CA of Vault's "
              + options.mount()
              + "/ mount ("
              + e.getMessage()
              + "): run 'edgetrust vault setup' first (or name the mount with --pki)");
    }
    List<SetupStep> steps = enrollment.prepare(node);
    NodeCredential credential =
        switch (options.auth()) {
          case TOKEN -> enrollment.enrollWithToken(node);
          case APPROLE -> enrollment.enrollWithAppRole(node);
          case CERT -> enrollment.enrollWithCertificate(node);
        };

    EdgeBundleDirectory.create(out);
    List<String> files = new java.util.ArrayList<>();
    if (credential.kind() == NodeCredential.Kind.TOKEN) {
      AtomicFile.writeSecret(
          out.resolve(TOKEN_FILE), EdgeBundleDirectory.line(credential.token().orElseThrow()));
      files.add(TOKEN_FILE);
    } else {
      AtomicFile.writeSecret(
          out.resolve(ROLE_ID_FILE), EdgeBundleDirectory.line(credential.roleId().orElseThrow()));
      AtomicFile.writeSecret(
          out.resolve(SECRET_ID_FILE),
          EdgeBundleDirectory.line(credential.secretId().orElseThrow()));
      files.add(ROLE_ID_FILE);
      files.add(SECRET_ID_FILE);
    }
    AtomicFile.writePublic(
        out.resolve(CA_FILE), Pem.certificates(ca).getBytes(StandardCharsets.US_ASCII));
    files.add(CA_FILE);
    if (options.vaultServerCa().isPresent()) {
      Path source = options.vaultServerCa().get();
      byte[] pem;
      try {
        pem = Files.readAllBytes(source);
      } catch (IOException e) {
        throw new ConfigException(
            "cannot read Vault's TLS CA " + source + " (" + e.getClass().getSimpleName() + ")");
      }
      AtomicFile.writePublic(out.resolve(VAULT_SERVER_CA_FILE), pem);
      files.add(VAULT_SERVER_CA_FILE);
    }
    // Last: a bundle with an edgecore.yaml is a complete one.
    AtomicFile.writeSecret(
        out.resolve(EDGECORE),
        edgecore(node, credential, options).getBytes(StandardCharsets.UTF_8));
    files.add(EDGECORE);
    return new Written(out, steps, credential, files);
  }

  /**
   * A KubeEdge edgecore.yaml for the node: only what the EdgeHub reads, paths relative to the file.
   */
  static String edgecore(NodeName node, NodeCredential credential, Options options) {
    StringBuilder y = new StringBuilder();
    y.append("# edgecore.yaml for node ")
        .append(node)
        .append(", written by 'edgetrust enroll' at ")
        .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append(".\n");
    y.append("# Its certificates (CN=")
        .append(node.commonName())
        .append(") come from Vault and are renewed\n");
    y.append("# before they expire. Relative paths are relative to this file.\n");
    y.append("modules:\n");
    y.append("  edged:\n");
    y.append("    hostnameOverride: ").append(EdgeBundleDirectory.quote(node.value())).append('\n');
    y.append("  edgeHub:\n");
    y.append("    enable: true\n");
    y.append("    tlsCaFile: ").append(EdgeBundleDirectory.quote(CA_FILE)).append('\n');
    y.append("    tlsCertFile: ")
        .append(EdgeBundleDirectory.quote("certs/server.crt"))
        .append('\n');
    y.append("    tlsPrivateKeyFile: ")
        .append(EdgeBundleDirectory.quote("certs/server.key"))
        .append('\n');
    y.append("    websocket:\n");
    y.append("      enable: true\n");
    y.append("      server: ").append(EdgeBundleDirectory.quote(options.cloudhub())).append('\n');
    y.append("    vault:\n");
    y.append("      enable: true\n");
    y.append("      address: ")
        .append(EdgeBundleDirectory.quote(options.nodeVaultAddress().toString()))
        .append('\n');
    if (options.auth() == EnrolledNode.Auth.CERT) {
      // The token obtains the first certificate; from then on the certificate logs in.
      y.append("      authMethod: cert\n");
      y.append("      tokenFile: ").append(EdgeBundleDirectory.quote(TOKEN_FILE)).append('\n');
      y.append("      cert:\n");
      y.append("        role: ")
          .append(EdgeBundleDirectory.quote(VaultEnrollment.certEntryName(node)))
          .append('\n');
    } else if (credential.kind() == NodeCredential.Kind.TOKEN) {
      y.append("      authMethod: token\n");
      y.append("      tokenFile: ").append(EdgeBundleDirectory.quote(TOKEN_FILE)).append('\n');
    } else {
      y.append("      authMethod: approle\n");
      y.append("      approle:\n");
      y.append("        roleId: ")
          .append(EdgeBundleDirectory.quote(credential.roleId().orElseThrow()))
          .append('\n');
      y.append("        secretIdFile: ")
          .append(EdgeBundleDirectory.quote(SECRET_ID_FILE))
          .append('\n');
    }
    y.append("      role: ").append(EdgeBundleDirectory.quote(credential.pkiRole())).append('\n');
    y.append("      commonName: ")
        .append(EdgeBundleDirectory.quote(node.commonName()))
        .append('\n');
    y.append("      ttl: ")
        .append(EdgeBundleDirectory.quote(GoDuration.format(options.ttl())))
        .append('\n');
    y.append("      pki: ").append(EdgeBundleDirectory.quote(options.mount())).append('\n');
    if (options.vaultServerCa().isPresent()) {
      y.append("      serverCA: ")
          .append(EdgeBundleDirectory.quote(VAULT_SERVER_CA_FILE))
          .append('\n');
    }
    return y.toString();
  }
}
