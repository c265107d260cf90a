package dev.edgetrust.credential;

import dev.edgetrust.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The directory {@code edgetrust enroll} writes for a node, whatever the PKI: made 0700, its
 * secrets 0600, the CA in {@link #CA_FILE}, and {@link #EDGECORE} written last (a bundle with an
 * {@code edgecore.yaml} is a complete one). Each PKI's enrollment writes its own files into it.
 */
public final class EdgeBundleDirectory {
  public static final String EDGECORE = "edgecore.yaml";
  public static final String CA_FILE = "ca.crt";

  private EdgeBundleDirectory() {}

  /**
   * Checks that {@code dir} may take a bundle: absent, empty, or {@code force}.
   *
   * @throws ConfigException one line, if it is a file, or a non-empty directory without {@code
   *     force}
   */
  public static void checkTarget(Path dir, boolean force) throws ConfigException, IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigException(dir + " exists and is not a directory");
    }
    if (Files.isDirectory(dir) && !force) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new ConfigException(
              dir
                  + " is not empty; choose another --out, or pass --force to overwrite the bundle in it");
        }
      }
    }
  }

  /** Creates {@code dir} (and its parents) and makes it 0700. */
  public static void create(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /** A secret as a file's content: the value and a newline. */
  public static byte[] line(String secret) {
    return (secret + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A YAML double-quoted scalar; the values here are names, addresses and paths, never controls.
   */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "a control character in '" + s.replaceAll("\\p{Cntrl}", "?") + "'");
      }
      out.append(c);
    }
    return out.append('"').toString();
  }
}
