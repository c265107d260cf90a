package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code demo --pki cfssl}, against a real cfssl serve on loopback: every step holds. */
class CfsslDemoTest {
  @Test
  void cfsslDemo_againstARealCfsslServe_holdsEveryStep() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    boolean held =
        CfsslDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), CfsslDemo.MIN_LIFETIME);

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(held).as(out).isTrue();
    assertThat(out)
        .contains("edgetrust demo: CFSSL")
        .contains("CloudHub started on the cfssl PKI")
        .contains("3 nodes enrolled with the token and connected")
        .contains("enrolled with a token bound to it")
        .contains("refused: the same node-bound token, used a second time")
        .contains("rotated its certificate live and reconnected on it")
        .contains("blocked edge-node-2")
        .contains("unblocked edge-node-2: it re-enrolled by itself")
        .doesNotContain("[FAILED]");
  }

  @Test
  void unknownPki_isOneLineListingTheChoices() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.run("demo", "--pki", "acme");
    } finally {
      System.setErr(stderr);
    }

    assertThat(exit).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("edgetrust: --pki must be one of builtin, vault, cfssl, not 'acme'");
  }

  @Test
  void help_listsCfssl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      Main.run("demo", "--help");
    } finally {
      System.setOut(stdout);
    }

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--pki").contains("cfssl");
  }

  @Test
  void lifetimeNotInWholeMinutes_isOneLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.run("demo", "--pki", "cfssl", "--lifetime", "90");
    } finally {
      System.setErr(stderr);
    }

    assertThat(exit).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .startsWith("edgetrust: --lifetime must be whole minutes")
        .doesNotContain("\n");
  }
}
