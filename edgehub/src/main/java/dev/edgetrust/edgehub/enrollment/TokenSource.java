package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.pki.JoinToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a join token comes from: {@code token} in the configuration, else {@code tokenFile}, read
 * afresh each time so that an operator can drop a token in (or replace a stale one) while the
 * EdgeHub waits.
 */
public final class TokenSource {
  /** A token is about 300 bytes; a large file is not a token and must not be read whole. */
  private static final int MAX_BYTES = 16 * 1024;

  private final Optional<JoinToken> configured;
  private final Optional<Path> file;

  public TokenSource(Optional<JoinToken> configured, Optional<Path> file) {
    this.configured = Objects.requireNonNull(configured, "configured");
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * The token to use now, if there is one.
   *
   * @throws EnrollmentException (not retryable) if the token file exists but does not hold a token;
   *     the message names the file, never its content
   */
  public Optional<JoinToken> current() throws EnrollmentException {
    if (configured.isPresent()) {
      return configured;
    }
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path path = file.get();
    byte[] bytes;
    try {
      // Read afresh each time, so checked each time: a token anyone may read is anyone's node.
      SecretFiles.requireOwnerOnly(path);
    } catch (CredentialFileException e) {
      throw EnrollmentException.refused(e.getMessage());
    }
    try {
      if (Files.size(path) > MAX_BYTES) {
        throw EnrollmentException.refused(
            path + ": larger than " + MAX_BYTES + " bytes; not a join token");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw EnrollmentException.refused(path + ": cannot be read: " + e.getMessage());
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JoinToken.parse(text));
    } catch (IllegalArgumentException e) {
      throw EnrollmentException.refused(path + ": " + e.getMessage());
    }
  }

  /** Whether a token may still appear (a token file is configured): worth waiting for. */
  public boolean mayChange() {
    return file.isPresent();
  }

  public Optional<Path> file() {
    return file;
  }
}
