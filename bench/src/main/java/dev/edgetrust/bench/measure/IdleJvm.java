package dev.edgetrust.bench.measure;

import java.io.IOException;

/**
 * A JVM that does nothing: says {@code READY} and waits for stdin to close. Started with an edge's
 * flags, its resident memory is the floor any Java edge process stands on.
 */
public final class IdleJvm {
  private IdleJvm() {}

  public static void main(String[] args) throws IOException {
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to close stdin or stop this process
    }
  }
}
