package dev.edgetrust.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.bench.scenario.Scenarios;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Targets, ratios and options: what decides "met" and what a user may ask for. */
class ResultModelTest {
  @Test
  void comparison_isMeasuredOverBaseline_andMeetsAnAtLeastTargetOnlyFromAbove() {
    Figure hub = Figure.of("hub", "hub", 90, "/s");
    Figure bare = Figure.of("bare", "bare", 100, "/s");

    assertThat(Comparison.of("r", "r", hub, bare).withTarget(Target.atLeast(0.9)).met())
        .contains(true);
    assertThat(
            Comparison.of("r", "r", Figure.of("hub", "hub", 89, "/s"), bare)
                .withTarget(Target.atLeast(0.9))
                .met())
        .contains(false);
  }

  @Test
  void comparisonAgainstAZeroBaseline_hasNoRatio_andMissesItsTarget() {
    Comparison c =
        Comparison.of("r", "r", Figure.of("a", "a", 5, ""), Figure.of("b", "b", 0, ""))
            .withTarget(Target.atLeast(0.9));

    assertThat(c.ratio()).isNaN();
    assertThat(c.met()).contains(false);
  }

  @Test
  void atMostTarget_isMetAtTheLimit() {
    Figure heap = Figure.of("heap", "heap", 20, "KiB").withTarget(Target.atMost(20));

    assertThat(heap.met()).contains(true);
    assertThat(Figure.of("x", "x", 1, "").met()).isEmpty();
  }

  @Test
  void format_keepsDigitsThatMatter() {
    assertThat(Figure.format(10_000)).isEqualTo("10,000");
    assertThat(Figure.format(0.8352)).isEqualTo("0.835");
    assertThat(Figure.format(14.06)).isEqualTo("14.1");
    assertThat(Figure.format(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void options_refuseNonPositiveNodesAndSeconds_namingTheFlag() {
    BenchOptions options = BenchOptions.defaults().withEnvironment(Map.of());

    assertThatThrownBy(() -> options.withNodes(0)).hasMessage("--nodes must be at least 1, was 0");
    assertThatThrownBy(() -> options.withSeconds(Duration.ZERO))
        .hasMessage("--seconds must be greater than 0, was 0");
  }

  @Test
  void everyScenarioTheIssueNames_isListed_inTheIssuesOrder() {
    assertThat(Scenarios.names())
        .containsExactly(
            "handshake",
            "sessions",
            "block",
            "relay",
            "crl",
            "issue",
            "renewal-storm",
            "edge-footprint");
  }
}
