package dev.edgetrust.pki.vault.auth;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.Tokens;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Vault token kept in a file and read on every use: an operator (or Vault Agent) may replace the
 * file at any moment, atomically, and the next request uses the new token without a restart.
 */
final class TokenFile implements VaultCredential {
  /** Tokens are tens of bytes; a large file is not a token file. */
  private static final long MAX_BYTES = 64 * 1024;

  private final Path file;

  TokenFile(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  Path file() {
    return file;
  }

  @Override
  public String token(VaultClient client) throws PkiException {
    String text;
    try {
      SecretFiles.requireOwnerOnly(file);
      if (Files.size(file) > MAX_BYTES) {
        throw PkiException.refused(
            "Vault token file "
                + file
                + " is over "
                + MAX_BYTES
                + " bytes: it is not a token file");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (CredentialFileException e) {
      // Read at every use: a token file loosened while running is refused from then on, too.
      throw PkiException.refused("Vault token file " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw PkiException.refused(
          "Vault token file " + file + " does not exist: write a token to it");
    } catch (AccessDeniedException e) {
      throw PkiException.refused(
          "Vault token file " + file + " is not readable by this process: fix its owner or mode");
    } catch (IOException e) {
      throw PkiException.refused(
          "cannot read Vault token file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    return Tokens.check(text, "Vault token file " + file);
  }

  @Override
  public String description() {
    return "Vault token in " + file;
  }

  @Override
  public String remedy() {
    return "write a new token to " + file;
  }

  @Override
  public String toString() {
    return "TokenFile[" + file + "]";
  }
}
