package dev.edgetrust.pki.jointoken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.JoinTokenUse;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ids of node-bound join tokens that have enrolled their node, each with the node, when, and
 * when the token expires: what refuses a token the second time. Kept as a JSON file replaced
 * atomically (temp file, fsync, rename, directory fsync) on every use, so a use is on disk before
 * the certificate it paid for is handed out. Node-bound enrollments are one per device, so
 * rewriting the file each time costs nothing that matters.
 *
 * <p>Entries are dropped a day after their token expires: by then the token is refused for its
 * expiry, and the day covers a clock stepped back. Not thread safe: {@link TokenEnrollment}
 * serializes access.
 */
public final class UsedJoinTokens {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a used id is kept past its token's expiry. */
  public static final Duration KEEP_AFTER_EXPIRY = Duration.ofDays(1);

  /** One use, and when its token expires (after which the entry can go). */
  private record Use(JoinTokenUse use, Instant tokenExpiresAt) {}

  private final Path file;
  private final Map<String, Use> used;

  private UsedJoinTokens(Path file, Map<String, Use> used) {
    this.file = file;
    this.used = used;
  }

  /** Reads the file; a missing file is an empty one. */
  public static UsedJoinTokens load(Path file) throws CredentialFileException {
    Map<String, Use> used = new TreeMap<>();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return new UsedJoinTokens(file, used);
    } catch (IOException e) {
      throw new CredentialFileException(
          file, "is not a readable JSON list of used join tokens: " + e.getMessage());
    }
    JsonNode entries = root == null ? null : root.get("used");
    if (entries == null || !entries.isArray()) {
      throw new CredentialFileException(file, "has no 'used' array");
    }
    for (JsonNode entry : entries) {
      try {
        String id = entry.path("id").asText("");
        if (id.isEmpty()) {
          throw new IllegalArgumentException("no 'id'");
        }
        used.put(
            id,
            new Use(
                new JoinTokenUse(
                    NodeName.of(entry.path("node").asText("")),
                    Instant.parse(entry.path("at").asText(""))),
                Instant.parse(entry.path("expires").asText(""))));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new CredentialFileException(
            file, "has an unreadable entry " + entry + ": " + e.getMessage());
      }
    }
    return new UsedJoinTokens(file, used);
  }

  public Optional<JoinTokenUse> use(String id) {
    return Optional.ofNullable(used.get(id)).map(Use::use);
  }

  /**
   * Records that {@code token} enrolled its node at {@code now}, durably; on a failed write nothing
   * is recorded (the token stays usable) and the failure is thrown.
   *
   * @return the earlier use if the token was used already (then nothing is written)
   */
  public Optional<JoinTokenUse> consume(JoinTokenClaims.NodeBound token, Instant now)
      throws IOException {
    Use before = used.get(token.id());
    if (before != null) {
      return Optional.of(before.use());
    }
    used.put(token.id(), new Use(new JoinTokenUse(token.node(), now), token.expiresAt()));
    try {
      save(now);
    } catch (IOException e) {
      used.remove(token.id());
      throw e;
    }
    return Optional.empty();
  }

  public Path file() {
    return file;
  }

  private void save(Instant now) throws IOException {
    used.values().removeIf(u -> u.tokenExpiresAt().plus(KEEP_AFTER_EXPIRY).isBefore(now));
    ObjectNode root = JSON.createObjectNode();
    ArrayNode entries = root.putArray("used");
    used.forEach(
        (id, u) ->
            entries
                .addObject()
                .put("id", id)
                .put("node", u.use().node().value())
                .put("at", u.use().at().toString())
                .put("expires", u.tokenExpiresAt().toString()));
    // Ids are not secrets (the token's signature is what enrolls), but nobody else needs them.
    AtomicFile.writeSecret(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
