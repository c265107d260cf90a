package dev.edgetrust.cloudhub.revocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.x509.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last revocation list and blocklist the CloudHub read from its PKI, kept on disk so that a
 * CloudHub restarted while the PKI is away enforces exactly what it enforced before, until the
 * list's nextUpdate, instead of admitting nobody (fail closed) or everybody.
 *
 * <p>The CRL is kept as the PKI signed it and verified again against the CA when read back: a file
 * that was tampered with, or that comes from another CA, is refused and never trusted. The
 * blocklist carries no signature; the file is owner-only like the CloudHub's other state, and a
 * blocked node's serials are in the signed CRL too.
 */
final class LastGoodRevocation {
  /** The file's name, beside the node inventory. */
  static final String FILE = "last-good-revocation.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A state read back from disk and verified. */
  record Loaded(RevocationList list, Set<NodeName> blocked, Instant savedAt) {}

  private final Path file;

  /** The content last written or read: an unchanged refresh does not rewrite the file. */
  private String lastContent = "";

  LastGoodRevocation(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * Reads the file back and verifies it.
   *
   * @param anchors the CA certificates the CRL must be signed by
   * @param canRevoke whether the PKI publishes a revocation list (a file without one is then
   *     refused)
   * @return the state, or why it cannot be used (one line naming the file); empty if there is none
   */
  Optional<Verdict> load(List<X509Certificate> anchors, boolean canRevoke, Instant now) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(refused("cannot be read (" + AtomicFile.describeFailure(e) + ")"));
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        return Optional.of(refused("not a JSON object"));
      }
      JsonNode crl = root.get("crl");
      RevocationList list;
      Optional<byte[]> der = Optional.empty();
      if (crl == null || crl.isNull()) {
        if (canRevoke) {
          return Optional.of(refused("holds no CRL, but the PKI publishes one"));
        }
        list = RevocationList.empty();
      } else {
        der = Optional.of(Base64.getDecoder().decode(crl.asText()));
        list = RevocationList.fromCrl(der.get(), anchors);
        if (list.isStaleAt(now)) {
          return Optional.of(
              refused(
                  "holds a revocation list past its nextUpdate ("
                      + list.nextUpdate().orElseThrow()
                      + ")"));
        }
      }
      Set<NodeName> blocked = new HashSet<>();
      JsonNode names = root.get("blockedNodes");
      if (names != null) {
        if (!names.isArray()) {
          return Optional.of(refused("'blockedNodes' is not a list"));
        }
        for (JsonNode n : names) {
          blocked.add(NodeName.of(n.asText()));
        }
      }
      JsonNode savedAt = root.get("savedAt");
      Instant saved = savedAt == null ? Instant.EPOCH : Instant.parse(savedAt.asText());
      synchronized (this) {
        lastContent = content(der, blocked);
      }
      return Optional.of(new Verdict.Usable(new Loaded(list, Set.copyOf(blocked), saved)));
    } catch (PkiException e) {
      return Optional.of(refused(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      return Optional.of(refused("does not parse (" + e.getMessage() + ")"));
    }
  }

  private Verdict refused(String why) {
    return new Verdict.Refused(
        file + ": " + why + "; not used: the CloudHub waits for a list from the PKI");
  }

  /** What reading the file gave: a state to enforce, or why there is none. */
  sealed interface Verdict {
    record Usable(Loaded state) implements Verdict {}

    record Refused(String why) implements Verdict {}
  }

  /**
   * Writes {@code list} and {@code blocked} (owner-only, atomically) unless the file already holds
   * them.
   *
   * @return false if nothing was written because nothing changed
   * @throws IOException with a one-line message naming the file, if it cannot be written
   */
  synchronized boolean save(RevocationList list, Set<NodeName> blocked, Instant now)
      throws IOException {
    Optional<byte[]> crl = list.crlEncoding();
    String content = content(crl, blocked);
    if (content.equals(lastContent)) {
      return false;
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("savedAt", now.toString());
    crl.ifPresent(der -> root.put("crl", Base64.getEncoder().encodeToString(der)));
    ArrayNode names = root.putArray("blockedNodes");
    new TreeSet<>(blocked).forEach(n -> names.add(n.value()));
    try {
      AtomicFile.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + AtomicFile.describeFailure(e), e);
    }
    lastContent = content;
    return true;
  }

  /** What decides whether the file must be written again: the CRL and the names, not the time. */
  private static String content(Optional<byte[]> crl, Set<NodeName> blocked) {
    return crl.map(Certificates::sha256Hex).orElse("-") + " " + new TreeSet<>(blocked);
  }
}
