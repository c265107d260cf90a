package dev.edgetrust.bench;

import dev.edgetrust.bench.measure.Cpu;
import dev.edgetrust.bench.measure.Heap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The facts a reader needs to weigh the figures: cores, memory, the JVM, how busy the machine was.
 *
 * @param memoryMib total memory from {@code /proc/meminfo}, or -1 where there is none
 * @param loadAverage the 1-minute load average when the run started
 */
public record Machine(
    int processors, long memoryMib, String java, String os, String gc, double loadAverage) {
  public static Machine current() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        totalMemoryMib(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        Heap.gcName(),
        Cpu.loadAverage());
  }

  private static long totalMemoryMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.split("\\s+")[1]) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: say so with -1
    }
    return -1;
  }
}
