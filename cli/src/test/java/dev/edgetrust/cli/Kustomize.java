package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Renders a Kustomize directory as Kubernetes would receive it: {@code kubectl kustomize DIR}. */
final class Kustomize {
  private Kustomize() {}

  /** The rendered documents; the test is skipped (saying why) where kubectl is not installed. */
  static List<JsonNode> render(Path directory) throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        kubectlInstalled(),
        "kubectl is not on the PATH: the Kustomize overlays are not rendered"
            + " (Debian: apt-get install kubectl; .ci/run installs it)");
    Path out = Files.createTempFile("kustomize", ".yaml");
    try {
      Process kubectl =
          new ProcessBuilder("kubectl", "kustomize", directory.toString())
              .redirectOutput(out.toFile())
              .redirectErrorStream(false)
              .start();
      String errors = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(kubectl.waitFor(2, TimeUnit.MINUTES)).as("kubectl kustomize finished").isTrue();
      assertThat(kubectl.exitValue()).as("kubectl kustomize " + directory + ": " + errors).isZero();
      try (MappingIterator<JsonNode> docs =
          new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(out.toFile())) {
        return docs.readAll();
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static boolean kubectlInstalled() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "kubectl"))) {
        return true;
      }
    }
    return false;
  }
}
