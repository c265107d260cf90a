package dev.edgetrust.bench;

import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import java.nio.file.Path;

/**
 * What {@code edgetrust edgehub --config F} does, for the edge-footprint smoke run, where the CLI
 * (which depends on this module) is not on the class path.
 */
public final class EdgeHubProcess {
  private EdgeHubProcess() {}

  public static void main(String[] args) throws Exception {
    try (EdgeHub hub = EdgeHub.builder(EdgeHubSettings.load(Path.of(args[0]))).build()) {
      hub.start();
      Thread.currentThread().join();
    }
  }
}
