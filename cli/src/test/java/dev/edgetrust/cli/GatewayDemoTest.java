package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code demo --gateway}: edgetrust's CloudHub in front of the cloudcore stand-in, every step
 * holds.
 */
class GatewayDemoTest {
  @Test
  void gatewayDemo_everyStepHolds() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    boolean held = new GatewayDemo(new PrintStream(out, true, StandardCharsets.UTF_8)).run();

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(held).as(text).isTrue();
    assertThat(text)
        .containsPattern("All \\d+ steps held\\.")
        .doesNotContain("[FAILED]")
        .contains("edge gateway (edgetrust EdgeHub beside edgecore) enrolled")
        .contains("edge → cloudcore")
        .contains("cloudcore → edge")
        .contains("no upstream effect")
        .contains("both legs dropped");
  }

  @Test
  void gatewayWithAnotherPki_isOneLineUserError() {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.run("demo", "--gateway", "--pki", "vault");
    } finally {
      System.setErr(oldErr);
    }

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("edgetrust: --gateway runs on the built-in CA; drop --pki vault");
  }
}
