package dev.edgetrust.credential;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that a crash leaves either the old or the new content, never a torn file: temp
 * file in the same directory (created with its final permissions, so a key is never readable by
 * others even for a moment), fsync, rename over the target, fsync the directory.
 */
public final class AtomicFile {
  private static final Set<PosixFilePermission> SECRET =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> SECRET_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PUBLIC_DIR =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private static final String TEMP_SUFFIX = ".tmp";

  private AtomicFile() {}

  /**
   * Why a write failed, in words that are the same on every retry: the reason, and the file or
   * directory it concerns. A {@link FileSystemException}'s own message names the temporary file
   * with its random name, which would make each attempt's log line look like a new problem; the
   * directory is named instead.
   */
  public static String describeFailure(IOException e) {
    if (e instanceof FileSystemException f) {
      String reason = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      Path file = f.getFile() == null ? null : Path.of(f.getFile());
      boolean temp =
          file != null
              && file.getFileName() != null
              && file.getFileName().toString().endsWith(TEMP_SUFFIX);
      return reason + (file == null ? "" : " (" + (temp ? file.getParent() : file) + ")");
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Writes a secret (private key, token): mode 0600; a directory it creates is 0700. */
  public static void writeSecret(Path target, byte[] content) throws IOException {
    write(target, content, SECRET, SECRET_DIR);
  }

  /** Writes a public file (certificate, CA bundle): mode 0644. */
  public static void writePublic(Path target, byte[] content) throws IOException {
    write(target, content, PUBLIC, PUBLIC_DIR);
  }

  private static void write(
      Path target, byte[] content, Set<PosixFilePermission> mode, Set<PosixFilePermission> dirMode)
      throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    createDirectories(dir, dirMode);
    Path temp =
        Files.createTempFile(
            dir,
            "." + absolute.getFileName() + ".",
            TEMP_SUFFIX,
            PosixFilePermissions.asFileAttribute(mode));
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      // createTempFile's attribute is filtered by the umask; set the mode exactly.
      Files.setPosixFilePermissions(temp, mode);
      move(temp, absolute);
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Renames {@code source} over {@code target} atomically and makes the rename durable. */
  public static void rename(Path source, Path target) throws IOException {
    move(source.toAbsolutePath(), target.toAbsolutePath());
    syncDirectory(target.toAbsolutePath().getParent());
  }

  private static void move(Path source, Path target) throws IOException {
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "the file system of " + target.getParent() + " cannot rename atomically", e);
    }
  }

  private static void createDirectories(Path dir, Set<PosixFilePermission> mode)
      throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      createDirectories(parent, PUBLIC_DIR.equals(mode) ? mode : PUBLIC_DIR);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
      Files.setPosixFilePermissions(dir, mode);
    } catch (FileAlreadyExistsException raced) {
      // Another writer made it first; fine.
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename itself is still atomic.
    }
  }
}
