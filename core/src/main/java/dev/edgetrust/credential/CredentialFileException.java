package dev.edgetrust.credential;

import java.nio.file.Path;

/** A credential file is missing, unreadable or wrong. The message names the file. */
public final class CredentialFileException extends Exception {
  private final Path file;

  public CredentialFileException(Path file, String problem) {
    this(file, problem, true);
  }

  private CredentialFileException(Path file, String text, boolean prefixFile) {
    super(prefixFile ? file + ": " + text : text);
    this.file = file;
  }

  /** With {@code sentence} as the whole message: it names the file itself, where it reads best. */
  public static CredentialFileException stated(Path file, String sentence) {
    return new CredentialFileException(file, sentence, false);
  }

  public Path file() {
    return file;
  }
}
