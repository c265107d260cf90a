package dev.edgetrust.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How many files this process may open ({@code ulimit -n}, as the JVM raised it) and has open. */
public final class FileDescriptors {
  private FileDescriptors() {}

  /** The soft limit on open files, or -1 where {@code /proc} does not say. */
  public static long limit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
          return parts[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(parts[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  public static long open() {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }
}
