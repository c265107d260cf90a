package dev.edgetrust.vault.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationsTest {
  @Test
  void parsesSecondsAndGoDurations() {
    assertThat(GoDurations.parse(IntNode.valueOf(90), "ttl")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDurations.parse(TextNode.valueOf("90"), "ttl")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDurations.parse(TextNode.valueOf("1h30m"), "ttl"))
        .isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDurations.parse(TextNode.valueOf("86400s"), "ttl")).isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> GoDurations.parse(TextNode.valueOf("1 hour"), "ttl"))
        .isInstanceOf(VaultError.class);
  }

  @Test
  void formatsAsGoPrintsDurations() {
    assertThat(GoDurations.format(Duration.ofHours(72))).isEqualTo("72h0m0s");
    assertThat(GoDurations.format(Duration.ofMinutes(30))).isEqualTo("30m0s");
    assertThat(GoDurations.format(Duration.ofSeconds(5))).isEqualTo("5s");
  }
}
