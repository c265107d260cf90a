package dev.edgetrust.cloudhub.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files the CloudHub itself writes while it runs (its audit log, inventory, local block list,
 * the admin API's certificate and key, the join token file), each with the key that names it.
 * Checked once at start, so that a CloudHub that cannot write one says which before it serves
 * anything, rather than failing at its first block or audit line.
 *
 * <p>Files the PKI writes (the built-in CA's key and server certificate) are the PKI's to check;
 * they may also be mounted read-only on purpose.
 */
public record StatePaths(List<Entry> entries) {
  /** One file and the key of {@code modules.cloudHub} that names it (or defaults it). */
  public record Entry(String key, Path file) {}

  public StatePaths {
    entries = List.copyOf(entries);
  }

  /** What {@code settings} will write. */
  public static StatePaths of(CloudHubSettings settings) {
    List<Entry> out = new ArrayList<>();
    RevocationSettings revocation = settings.revocation();
    out.add(new Entry("revocation.auditFile", revocation.auditFile()));
    out.add(new Entry("revocation.inventoryFile", revocation.inventoryFile()));
    out.add(new Entry("revocation.localListFile", revocation.localListFile()));
    if (settings.admin().enabled()) {
      out.add(new Entry("admin.serverCertFile", settings.admin().serverCertificateFile()));
      out.add(new Entry("admin.serverCertFile", settings.admin().serverKeyFile()));
    }
    settings.joinTokenFile().ifPresent(f -> out.add(new Entry("joinTokenFile", f)));
    return new StatePaths(out);
  }

  /**
   * @throws CloudHubException naming the first file that cannot be written, its key, and why
   */
  public void requireWritable() throws CloudHubException {
    for (Entry e : entries) {
      Optional<String> why = whyNotWritable(e.file());
      if (why.isPresent()) {
        throw new CloudHubException(
            "cannot write "
                + e.file()
                + " (modules.cloudHub."
                + e.key()
                + "): "
                + why.get()
                + "; set "
                + (e.key().startsWith("admin.") || e.key().equals("joinTokenFile")
                    ? "that key"
                    : "that key or modules.cloudHub.stateDirectory")
                + " to a writable place",
            null);
      }
    }
  }

  /**
   * Empty when {@code file} can be written: it is a writable file, or the closest directory that
   * exists above it is writable (the CloudHub creates what is missing below).
   */
  static Optional<String> whyNotWritable(Path file) {
    Path f = file.toAbsolutePath();
    if (Files.exists(f)) {
      if (Files.isDirectory(f)) {
        return Optional.of("it is a directory");
      }
      return Files.isWritable(f) ? Optional.empty() : Optional.of("the file is not writable");
    }
    Path dir = f.getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    if (dir == null) {
      return Optional.of("no directory above it exists");
    }
    if (!Files.isDirectory(dir)) {
      return Optional.of(dir + " is not a directory");
    }
    return Files.isWritable(dir)
        ? Optional.empty()
        : Optional.of("the directory " + dir + " is not writable");
  }
}
