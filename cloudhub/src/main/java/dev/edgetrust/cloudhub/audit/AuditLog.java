package dev.edgetrust.cloudhub.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of who blocked, unblocked or was refused what: one JSON object a line, appended
 * to its own file and flushed after every line, so that a line written is a line kept even if the
 * CloudHub is killed right after.
 *
 * <p>{@code {"time":…,"who":…,"action":…,"node":…,"outcome":…,"detail":…}}. {@code who} is an actor
 * string, never a secret: a token is named by a hash of it, a certificate by its subject and
 * serial. The file is created 0600 on first use; an existing CloudHub that never blocks anything
 * never gets one.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;
  private OutputStream out;
  private boolean failing;

  private AuditLog(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** An audit log appending to {@code file} (created, with its directory, on the first line). */
  public static AuditLog toFile(Path file, Clock clock) {
    return new AuditLog(file.toAbsolutePath(), clock);
  }

  public Path file() {
    return file;
  }

  /**
   * How the audit log names a bearer token: {@code token:sha256:} and the first 16 hex digits of
   * its SHA-256, enough to tell tokens apart and useless to an attacker.
   */
  public static String tokenId(String token) {
    return "token:sha256:"
        + Certificates.sha256Hex(token.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  /** How the audit log names a client certificate: {@code cert:<subject> serial <hex>}. */
  public static String certificateId(X509Certificate certificate) {
    return "cert:"
        + certificate.getSubjectX500Principal().getName()
        + " serial "
        + SerialNumbers.toColonHex(certificate.getSerialNumber());
  }

  /**
   * Appends one line.
   *
   * @param who the actor: {@code token:sha256:…}, {@code cert:<subject> serial …}, {@code
   *     node:<name> …} for a node refused at the handshake, {@code cloudhub} for the CloudHub
   *     itself
   * @param action {@code block}, {@code unblock}, {@code refuse-handshake}, {@code
   *     refuse-enrollment}, {@code close-session}, {@code refuse-admin}, …
   * @param node the node concerned, or {@code null}
   * @param outcome {@code done}, {@code refused}, {@code failed}, …
   */
  public void record(String who, String action, NodeName node, String outcome, String detail) {
    ObjectNode line = JSON.createObjectNode();
    line.put("time", clock.instant().toString());
    line.put("who", who);
    line.put("action", action);
    if (node == null) {
      line.putNull("node");
    } else {
      line.put("node", node.value());
    }
    line.put("outcome", outcome);
    line.put("detail", detail);
    byte[] bytes;
    try {
      // Jackson escapes control characters, so hostile input cannot start a line of its own.
      bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode an audit line", e);
    }
    write(bytes);
  }

  private synchronized void write(byte[] bytes) {
    try {
      if (out == null) {
        out = open();
      }
      out.write(bytes);
      out.flush();
      if (failing) {
        failing = false;
        log.info("audit log {} is writable again", file);
      }
    } catch (IOException e) {
      closeQuietly();
      if (!failing) {
        failing = true;
        log.error(
            "cannot write the audit log {}: {}; audit lines are lost until it is writable",
            file,
            e.getMessage());
      }
    }
  }

  private OutputStream open() throws IOException {
    Files.createDirectories(file.getParent());
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      // appending to the existing trail
    }
    return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private void closeQuietly() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // already failing
      }
      out = null;
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }
}
