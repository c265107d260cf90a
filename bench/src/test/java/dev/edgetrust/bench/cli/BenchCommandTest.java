package dev.edgetrust.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.cli.UserErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bench command line: scenario names, one-line errors, JSON output. The scenarios' own smoke
 * run is in the bench module.
 */
class BenchCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int exit =
          new CommandLine(new BenchCommand())
              .setExecutionExceptionHandler(new UserErrors())
              .setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8))
              .execute(args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
    }
  }

  @Test
  void unknownScenario_isOneLineListingTheScenarios() {
    Run r = run("handshakes");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .contains("unknown scenario 'handshakes'")
        .contains("handshake, sessions")
        .contains("edge-footprint");
  }

  @Test
  void zeroNodes_isRefusedInOneLine() {
    Run r = run("issue", "--nodes", "0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("edgetrust: --nodes must be at least 1, was 0");
  }

  @Test
  void unwritableJsonFile_isOneLineNamingTheFile() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("file"), "x");
    Path json = dir.resolve("file").resolve("out.json");

    Run r = run("issue", "--nodes", "1", "--seconds", "1", "--json", json.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("edgetrust: cannot write " + json);
  }

  @Test
  void measuredScenario_printsItsTableAndWritesJson() throws Exception {
    Path json = dir.resolve("out.json");

    Run r = run("issue", "--nodes", "1", "--seconds", "1", "--json", json.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("issue").contains("results written to " + json);
    JsonNode written = new ObjectMapper().readTree(json.toFile());
    assertThat(written.path("scenarios").get(0).path("status").asText()).isEqualTo("measured");
  }
}
