package dev.edgetrust.credential;

import java.nio.file.Path;

/** A credential file is missing, unreadable or wrong. The message names the file. */
public final class CredentialFileException extends Exception {
  private final Path file;

  public CredentialFileException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
