package dev.edgetrust.cloudhub.admin;

import dev.edgetrust.cloudhub.audit.AuditLog;
import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the admin API: the holder of the bearer token in {@code admin.tokenFile}, or of a
 * client certificate that chains to {@code admin.clientCAFile} (the TLS handshake checks the chain)
 * and does not name a node.
 *
 * <p>Only the token's SHA-256 is kept. Comparing digests of equal length with {@link
 * MessageDigest#isEqual} takes the same time wherever a wrong token differs, and whatever its
 * length.
 */
final class AdminCredentials {
  static final int MIN_TOKEN_LENGTH = 16;

  /** Who the caller is, or why they are refused. */
  record Caller(String actor, String refusal) {
    boolean authenticated() {
      return actor != null;
    }
  }

  private final byte[] tokenDigest;
  private final List<X509Certificate> clientCas;

  private AdminCredentials(byte[] tokenDigest, List<X509Certificate> clientCas) {
    this.tokenDigest = tokenDigest;
    this.clientCas = clientCas;
  }

  /**
   * Reads the token file and the client CA file the settings name.
   *
   * @throws CloudHubException naming the file and key when one is missing, empty or unreadable
   */
  static AdminCredentials load(AdminSettings settings) throws CloudHubException {
    byte[] digest = null;
    if (settings.tokenFile().isPresent()) {
      digest = sha256(readToken(settings.tokenFile().get()));
    }
    List<X509Certificate> cas = List.of();
    if (settings.clientCaFile().isPresent()) {
      try {
        cas = KeyCertificateFiles.readCertificates(settings.clientCaFile().get());
      } catch (CredentialFileException e) {
        throw new CloudHubException("admin.clientCAFile " + e.getMessage(), e);
      }
    }
    return new AdminCredentials(digest, cas);
  }

  private static String readToken(Path file) throws CloudHubException {
    String token;
    try {
      // Whoever reads the admin token can block every node: refused like a loose private key.
      SecretFiles.requireOwnerOnly(file);
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (CredentialFileException e) {
      throw new CloudHubException("admin.tokenFile " + e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new CloudHubException("admin.tokenFile " + file + ": does not exist", e);
    } catch (IOException | UnsupportedOperationException e) {
      throw new CloudHubException(
          "admin.tokenFile " + file + ": cannot be read: " + e.getMessage(), e);
    }
    if (token.length() < MIN_TOKEN_LENGTH || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new CloudHubException(
          "admin.tokenFile "
              + file
              + ": must hold one token of at least "
              + MIN_TOKEN_LENGTH
              + " printable characters without spaces (e.g. openssl rand -hex 32 > "
              + file
              + ")",
          null);
    }
    return token;
  }

  /** The CAs admin client certificates must chain to; empty when none are accepted. */
  List<X509Certificate> clientCas() {
    return clientCas;
  }

  /**
   * Authenticates a request.
   *
   * @param peer the client certificate the TLS handshake verified, if one was presented
   * @param authorization the {@code Authorization} header, or {@code null}
   */
  Caller authenticate(Optional<X509Certificate> peer, String authorization) {
    if (peer.isPresent()) {
      X509Certificate cert = peer.get();
      boolean namesNode =
          NodeName.commonNames(cert.getSubjectX500Principal()).stream()
              .anyMatch(cn -> cn.startsWith(NodeName.COMMON_NAME_PREFIX));
      if (namesNode) {
        return new Caller(null, "a node certificate is not an admin certificate");
      }
      return new Caller(AuditLog.certificateId(cert), null);
    }
    if (authorization == null || authorization.isBlank()) {
      return new Caller(
          null,
          "authenticate with 'Authorization: Bearer <the token in admin.tokenFile>'"
              + (clientCas.isEmpty() ? "" : " or an admin client certificate"));
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Caller(null, "the Authorization header must be 'Bearer <token>'");
    }
    if (tokenDigest == null) {
      return new Caller(
          null, "bearer tokens are not accepted here (no admin.tokenFile is configured)");
    }
    String token = authorization.substring(7).strip();
    if (!MessageDigest.isEqual(sha256(token), tokenDigest)) {
      return new Caller(null, "wrong bearer token");
    }
    return new Caller(AuditLog.tokenId(token), null);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JRE", e);
    }
  }
}
