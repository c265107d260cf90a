package dev.edgetrust.credential;

import dev.edgetrust.x509.HeldCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An onlooker's handle on a key/certificate pair that someone else replaces with {@link
 * KeyCertificateFiles}: the CloudHub watching the certificate its agent writes, a command reading a
 * running node's pair, a login presenting the node's current certificate.
 *
 * <p>It reads the pair as it is and can never finish an interrupted swap. Only the pair's writer
 * may do that ({@link KeyCertificateFiles#read()}, at its own start): an onlooker that "recovers" a
 * swap the writer is in the middle of races it, and can delete the staged key the writer is about
 * to rename into place. Being a separate type, with no way to recover, keeps that mistake out of
 * the code instead of in a comment.
 */
public final class KeyCertificateView {
  private final Path keyFile;
  private final Path certificateFile;

  private KeyCertificateView(Path keyFile, Path certificateFile) {
    this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
    this.certificateFile = Objects.requireNonNull(certificateFile, "certificateFile");
  }

  public static KeyCertificateView of(Path keyFile, Path certificateFile) {
    return new KeyCertificateView(keyFile, certificateFile);
  }

  public Path keyFile() {
    return keyFile;
  }

  public Path certificateFile() {
    return certificateFile;
  }

  /**
   * Whether the writer has staged files that are not all in place yet: it is replacing the pair
   * right now, or crashed doing so. A reader that sees a mismatched pair should try again later.
   */
  public boolean updateInProgress() {
    return Files.exists(KeyCertificateFiles.staged(keyFile))
        || Files.exists(KeyCertificateFiles.staged(certificateFile));
  }

  /**
   * Reads the pair as it is.
   *
   * @return empty if neither file exists
   * @throws CredentialFileException naming the file, if a file is unreadable, does not parse, or
   *     the key does not match the certificate (which a swap in progress can cause briefly)
   */
  public Optional<HeldCertificate> peek() throws CredentialFileException {
    boolean hasKey = Files.exists(keyFile);
    boolean hasCertificate = Files.exists(certificateFile);
    if (!hasKey && !hasCertificate) {
      return Optional.empty();
    }
    if (!hasKey) {
      throw new CredentialFileException(
          keyFile, "is missing, but its certificate " + certificateFile + " exists");
    }
    if (!hasCertificate) {
      throw new CredentialFileException(
          certificateFile, "is missing, but its key " + keyFile + " exists");
    }
    PrivateKey key = KeyCertificateFiles.readKey(keyFile);
    List<X509Certificate> chain = KeyCertificateFiles.readCertificates(certificateFile);
    try {
      return Optional.of(new HeldCertificate(key, chain));
    } catch (IllegalArgumentException e) {
      throw new CredentialFileException(
          keyFile, "does not match the certificate in " + certificateFile);
    }
  }

  @Override
  public String toString() {
    return "KeyCertificateView[" + keyFile + ", " + certificateFile + "]";
  }
}
