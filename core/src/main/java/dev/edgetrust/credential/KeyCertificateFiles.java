package dev.edgetrust.credential;

import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * A private key file and its certificate file, replaced as a pair.
 *
 * <p>Each file is replaced atomically, but two renames are not one. So a new pair is first staged
 * beside the live one ({@code <file>.next}), then renamed over it key first; {@link #read()} rolls
 * a half-finished swap forward. A crash at any point leaves a matching pair: the old one or the new
 * one.
 *
 * <p>This is the writer's handle: only the process that writes the pair reads it through here.
 * Everyone else looks through {@link #view()} / {@link KeyCertificateView}.
 */
public final class KeyCertificateFiles {
  private static final String STAGED = ".next";

  private final Path keyFile;
  private final Path certificateFile;

  public KeyCertificateFiles(Path keyFile, Path certificateFile) {
    this.keyFile = keyFile;
    this.certificateFile = certificateFile;
  }

  public Path keyFile() {
    return keyFile;
  }

  public Path certificateFile() {
    return certificateFile;
  }

  /** Replaces both files with {@code held}: key 0600 (directory 0700), certificate 0644. */
  public void write(HeldCertificate held) throws IOException {
    // A swap a crash interrupted must be finished before its staged files are overwritten: once
    // this write stages a new key, recovery would discard the leftover certificate and leave the
    // key already renamed into place with the old certificate.
    finishInterruptedSwap();
    Path stagedKey = staged(keyFile);
    Path stagedCertificate = staged(certificateFile);
    AtomicFile.writeSecret(
        stagedKey, Pem.privateKey(held.privateKey()).getBytes(StandardCharsets.US_ASCII));
    AtomicFile.writePublic(
        stagedCertificate, Pem.certificates(held.chain()).getBytes(StandardCharsets.US_ASCII));
    AtomicFile.rename(stagedKey, keyFile);
    AtomicFile.rename(stagedCertificate, certificateFile);
  }

  /** Whether either live file exists. */
  public boolean exists() {
    return Files.exists(keyFile) || Files.exists(certificateFile);
  }

  /**
   * Reads the pair, first finishing a swap a crash interrupted.
   *
   * @return empty if neither file exists
   * @throws CredentialFileException naming the file, if a file is unreadable, does not parse, or
   *     the key does not match the certificate
   */
  public Optional<HeldCertificate> read() throws CredentialFileException {
    recover();
    return view().peek();
  }

  /** The same pair, for onlookers: it reads, and can never finish a swap. */
  public KeyCertificateView view() {
    return KeyCertificateView.of(keyFile, certificateFile);
  }

  private void recover() throws CredentialFileException {
    try {
      finishInterruptedSwap();
    } catch (IOException e) {
      throw new CredentialFileException(
          certificateFile, "could not finish an interrupted update: " + e.getMessage());
    }
  }

  private void finishInterruptedSwap() throws IOException {
    Path stagedKey = staged(keyFile);
    Path stagedCertificate = staged(certificateFile);
    if (Files.exists(stagedCertificate) && !Files.exists(stagedKey)) {
      // The key was renamed into place; the certificate was not. Finish the swap.
      AtomicFile.rename(stagedCertificate, certificateFile);
    } else if (Files.exists(stagedKey)) {
      // Crashed before either rename: the live pair is still the old, consistent one. Certificate
      // first: a crash between the two deletes must leave the staged key, never a lone staged
      // certificate, which the branch above would take for a finished key rename.
      Files.deleteIfExists(stagedCertificate);
      Files.deleteIfExists(stagedKey);
    }
  }

  /**
   * Reads a PEM private key, naming the file on failure and never echoing its content. A key that
   * group/others may read, or whose directory they may write, is refused ({@link SecretFiles}).
   */
  public static PrivateKey readKey(Path file) throws CredentialFileException {
    SecretFiles.requireOwnerOnly(file);
    try {
      return Pem.parsePrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      throw new CredentialFileException(file, "does not exist");
    } catch (IOException e) {
      throw new CredentialFileException(file, "cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CredentialFileException(file, e.getMessage());
    }
  }

  /** Reads PEM (or one DER) certificates, naming the file on failure. */
  public static List<X509Certificate> readCertificates(Path file) throws CredentialFileException {
    try {
      return Pem.parseCertificates(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new CredentialFileException(file, "does not exist");
    } catch (IOException e) {
      throw new CredentialFileException(file, "cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CredentialFileException(file, e.getMessage());
    }
  }

  /** Writes certificates as PEM, atomically, 0644. */
  public static void writeCertificates(Path file, List<X509Certificate> certificates)
      throws IOException {
    AtomicFile.writePublic(
        file, Pem.certificates(certificates).getBytes(StandardCharsets.US_ASCII));
  }

  static Path staged(Path file) {
    return file.resolveSibling(file.getFileName() + STAGED);
  }
}
