package dev.edgetrust.bench.measure;

import java.lang.management.ManagementFactory;

/** CPU time this process has used: what the server side costs, when the client runs elsewhere. */
public final class Cpu {
  private Cpu() {}

  public static long processNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException("this JVM does not report process CPU time");
  }

  /** The 1-minute load average, to say in the report how busy the machine was. */
  public static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
