package dev.edgetrust.cli;

import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.EdgeHubStatus;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetrust edgehub --config edgecore.yaml}: runs an EdgeHub until stopped. */
@Command(name = "edgehub", description = "Run an EdgeHub from a KubeEdge edgecore.yaml (modules.edgeHub).")
final class EdgeHubCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("edgehub");

  @Option(names = "--config", required = true, description = "edgecore.yaml")
  Path config;

  @Override
  public Integer call() throws Exception {
    EdgeHubSettings settings = EdgeHubSettings.load(config);
    CountDownLatch stopped = new CountDownLatch(1);
    try (EdgeHub hub = EdgeHub.builder(settings).onStatus(new StatusLog()::changed).build()) {
      hub.start();
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "edgetrust-shutdown"));
      stopped.await();
    }
    return 0;
  }

  /** One line per change of state or certificate, not per heartbeat; the EdgeHub logs the reasons. */
  private static final class StatusLog {
    private String last = "";

    synchronized void changed(EdgeHubStatus s) {
      String line =
          "node " + s.node() + ": " + s.state()
              + s.certificateSerial().map(serial -> ", certificate " + serial).orElse("")
              + s.certificateNotAfter().map(t -> " valid until " + t).orElse("")
              + (s.rotations() > 0 ? ", rotations " + s.rotations() : "");
      if (!line.equals(last)) {
        last = line;
        log.info(line);
      }
    }
  }
}
