package dev.edgetrust.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Resident memory of a process from {@code /proc/<pid>/status}: {@code VmRSS} now and {@code
 * VmHWM}, its peak. Linux only; that is where the edge runs.
 */
public record ProcessMemory(long rssKib, long peakRssKib) {
  public static ProcessMemory of(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    long rss = -1;
    long hwm = -1;
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        }
      }
    } catch (NoSuchFileException e) {
      throw new IOException("process " + pid + " is gone (no " + status + ")", e);
    }
    if (rss < 0) {
      throw new IOException(status + " has no VmRSS line");
    }
    return new ProcessMemory(rss, hwm);
  }

  private static long kib(String line) {
    String[] parts = line.split("\\s+");
    return Long.parseLong(parts[1]);
  }

  public double rssMib() {
    return rssKib / 1024.0;
  }

  public double peakRssMib() {
    return peakRssKib / 1024.0;
  }
}
