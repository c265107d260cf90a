package dev.edgetrust.credential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Checks a file that holds a secret (a private key, a token, a token-signing key) the way ssh
 * checks a private key: nobody but its owner may read it, and nobody but its owner may write its
 * directory (or they could swap the file). One rule for every secret edgetrust reads, so that each
 * component refuses the same things with the same words.
 *
 * <p>Only the mode bits are looked at, not whether another user could actually get in: a process
 * running as root can read anything, yet a 0644 key on its disk is still a key any local user can
 * read.
 *
 * <p>A file that does not exist yet passes: the first start generates it, 0600 in a 0700 directory
 * ({@link AtomicFile#writeSecret}). A file system without POSIX modes passes too.
 */
public final class SecretFiles {
  private static final Set<PosixFilePermission> GROUP_OTHERS_READ =
      Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
  private static final Set<PosixFilePermission> GROUP_OTHERS_ANY =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);
  private static final Set<PosixFilePermission> GROUP_OTHERS_WRITE =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private SecretFiles() {}

  /**
   * Refuses {@code file} if group or others have any access to it, or may write its directory.
   *
   * @throws CredentialFileException one line naming the file, its mode and the {@code chmod} that
   *     fixes it, e.g. {@code /etc/kubeedge/ca/rootCA.key is readable by group/others (mode 0644);
   *     run: chmod 600 /etc/kubeedge/ca/rootCA.key}
   */
  public static void requireOwnerOnly(Path file) throws CredentialFileException {
    Path absolute = file.toAbsolutePath();
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(absolute);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException | UnsupportedOperationException e) {
      return;
    }
    if (mode.stream().anyMatch(GROUP_OTHERS_ANY::contains)) {
      String access =
          mode.stream().anyMatch(GROUP_OTHERS_READ::contains)
              ? "readable"
              : "writable or executable";
      throw CredentialFileException.stated(
          absolute,
          absolute
              + " is "
              + access
              + " by group/others (mode "
              + octal(mode)
              + "); run: chmod 600 "
              + absolute);
    }
    Path dir = absolute.getParent();
    if (dir == null) {
      return;
    }
    Set<PosixFilePermission> dirMode;
    try {
      dirMode = Files.getPosixFilePermissions(dir);
    } catch (IOException | UnsupportedOperationException e) {
      return;
    }
    if (dirMode.stream().anyMatch(GROUP_OTHERS_WRITE::contains)) {
      // go-w, not 700: the directory may hold public files (the CA certificate) others must read.
      throw CredentialFileException.stated(
          absolute,
          dir
              + " (the directory of "
              + absolute.getFileName()
              + ") is writable by group/others (mode "
              + octal(dirMode)
              + "); run: chmod go-w "
              + dir);
    }
  }

  /** {@code 0644}: how ls and chmod speak. */
  static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("%04o", bits);
  }
}
