package dev.edgetrust.bench.measure;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** This JVM's heap as what survives a full collection, which is what a held session costs. */
public final class Heap {
  private Heap() {}

  /**
   * Bytes of heap in use after forced collections, repeated until two readings agree within 64 KiB
   * (a collection can leave work for the next one).
   */
  public static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      memory.gc();
      Thread.sleep(100);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(used - last) < 64 * 1024) {
        return Math.min(used, last);
      }
      last = used;
    }
    return last;
  }

  /** Direct (off-heap) memory Netty's default allocator holds, or -1 if it does not say. */
  public static long nettyDirectBytes() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
        ? p.metric().usedDirectMemory()
        : -1;
  }

  public static String gcName() {
    return String.join(
        "+",
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
  }
}
