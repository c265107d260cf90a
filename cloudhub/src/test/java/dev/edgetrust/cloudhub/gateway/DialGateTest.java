package dev.edgetrust.cloudhub.gateway;

import static dev.edgetrust.cloudhub.gateway.DialGate.Decision.BACK_OFF;
import static dev.edgetrust.cloudhub.gateway.DialGate.Decision.DIAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dial gate on a hand-moved clock. */
class DialGateTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final DialGate gate = new DialGate(Duration.ofSeconds(1), Duration.ofSeconds(4), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void whileDialsSucceed_everySessionDials() {
    assertThat(gate.tryDial()).isEqualTo(DIAL);
    assertThat(gate.tryDial()).isEqualTo(DIAL);
    gate.succeeded();
    assertThat(gate.tryDial()).isEqualTo(DIAL);
  }

  @Test
  void afterAFailure_nobodyDialsUntilTheBackoffIsOver_thenOneProbes() {
    gate.tryDial();
    gate.failed();

    assertThat(gate.tryDial()).isEqualTo(BACK_OFF);
    advance(Duration.ofSeconds(1));
    assertThat(gate.tryDial()).as("the probe").isEqualTo(DIAL);
    assertThat(gate.tryDial()).as("others wait for the probe").isEqualTo(BACK_OFF);

    gate.succeeded();
    assertThat(gate.tryDial()).isEqualTo(DIAL);
    assertThat(gate.tryDial()).isEqualTo(DIAL);
  }

  @Test
  void eachFailedProbe_doublesTheWait_upToTheMaximum() {
    gate.tryDial();
    gate.failed();
    assertThat(gate.currentBackoff()).isEqualTo(Duration.ofSeconds(1));
    advance(Duration.ofSeconds(1));
    gate.tryDial();
    gate.failed();
    assertThat(gate.currentBackoff()).isEqualTo(Duration.ofSeconds(2));
    advance(Duration.ofSeconds(2));
    gate.tryDial();
    gate.failed();
    advance(Duration.ofSeconds(4));
    gate.tryDial();
    gate.failed();

    assertThat(gate.currentBackoff()).isEqualTo(Duration.ofSeconds(4));
    advance(Duration.ofMillis(3999));
    assertThat(gate.tryDial()).isEqualTo(BACK_OFF);
    advance(Duration.ofMillis(1));
    assertThat(gate.tryDial()).isEqualTo(DIAL);
  }

  @Test
  void anAbandonedProbe_letsTheNextSessionProbe() {
    gate.tryDial();
    gate.failed();
    advance(Duration.ofSeconds(1));
    assertThat(gate.tryDial()).isEqualTo(DIAL);

    gate.abandoned();

    assertThat(gate.tryDial()).isEqualTo(DIAL);
  }
}
