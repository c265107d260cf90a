package dev.edgetrust.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.bench.scenario.Scenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every scenario, run briefly with tiny N, produces the figures it promises — finite numbers, in
 * the table and in the JSON. Their values are not checked: a benchmark is not a timed test.
 */
class SmokeRunTest {
  private static final Map<String, String> NO_VAULT = Map.of();

  private static Bench.Report run(String scenario, int nodes, Duration seconds) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    BenchOptions options =
        BenchOptions.defaults()
            .withNodes(nodes)
            .withSeconds(seconds)
            .withEnvironment(NO_VAULT)
            .withEdgeHubCommand(List.of(EdgeHubProcess.class.getName()));
    Bench.Report report =
        new Bench(options, new PrintStream(printed, true, StandardCharsets.UTF_8))
            .run(List.of(Scenarios.named(scenario).orElseThrow()));
    String table = printed.toString(StandardCharsets.UTF_8);
    ScenarioResult result = report.results().get(0);
    assertThat(result.status()).as(table).isEqualTo(ScenarioResult.Status.MEASURED);
    for (Figure f : result.figures()) {
      assertThat(f.value()).as(f.key() + "\n" + table).isFinite();
      assertThat(table).contains(f.label());
    }
    for (Comparison c : result.comparisons()) {
      assertThat(c.ratio()).as(c.key() + "\n" + table).isFinite();
    }
    assertThat(result.load()).isNotBlank();
    return report;
  }

  private static Set<String> keys(Bench.Report report) {
    return report.results().get(0).figures().stream().map(Figure::key).collect(Collectors.toSet());
  }

  private static double figure(Bench.Report report, String key) {
    return report.results().get(0).figures().stream()
        .filter(f -> f.key().equals(key))
        .findFirst()
        .orElseThrow()
        .value();
  }

  private static Set<String> comparisons(Bench.Report report) {
    return report.results().get(0).comparisons().stream()
        .map(Comparison::key)
        .collect(Collectors.toSet());
  }

  @Test
  void relay_reportsBothPathsAndTheRatios() throws Exception {
    Bench.Report r = run("relay", 4, Duration.ofSeconds(1));

    assertThat(keys(r))
        .contains(
            "gateway.messages_per_second",
            "direct.messages_per_second",
            "gateway.round_trip_p99_ms",
            "direct.round_trip_p99_ms",
            "gateway.added_p99_ms",
            "gateway.heap_kib_per_relayed_session",
            "direct.heap_kib_per_session");
    assertThat(comparisons(r))
        .contains("throughput_ratio", "server_cpu_throughput_ratio", "heap_ratio");
    assertThat(figure(r, "gateway.messages_per_second")).isPositive();
    assertThat(figure(r, "gateway.sessions")).isEqualTo(4);
  }

  @Test
  void handshake_reportsBothRatesAndTheRatio() throws Exception {
    Bench.Report r = run("handshake", 4, Duration.ofSeconds(1));

    assertThat(keys(r))
        .contains(
            "cloudhub.handshakes_per_second",
            "bare.handshakes_per_second",
            "cloudhub.server_cpu_ms_per_handshake",
            "bare.server_cpu_ms_per_handshake");
    assertThat(comparisons(r)).contains("handshake_rate_ratio", "server_cpu_rate_ratio");
    assertThat(r.results().get(0).figures())
        .filteredOn(f -> f.key().equals("cloudhub.handshakes_per_second"))
        .allMatch(f -> f.value() > 0);
  }

  @Test
  void sessions_reportsHeapAndIdleCpuForBothServers() throws Exception {
    Bench.Report r = run("sessions", 20, Duration.ofSeconds(1));

    assertThat(keys(r))
        .contains(
            "cloudhub.heap_kib_per_session",
            "bare.heap_kib_per_session",
            "cloudhub.idle_cpu_percent",
            "bare.idle_cpu_percent");
    assertThat(comparisons(r)).contains("heap_ratio", "idle_cpu_ratio");
    assertThat(r.results().get(0).figures())
        .filteredOn(f -> f.key().equals("cloudhub.sessions"))
        .allMatch(f -> f.value() == 20);
  }

  @Test
  void issue_reportsBuiltinAgainstBareSignatures() throws Exception {
    Bench.Report r = run("issue", 1, Duration.ofSeconds(1));

    assertThat(keys(r)).contains("builtin.certificates_per_second", "jca.signatures_per_second");
    assertThat(comparisons(r)).contains("issue_ratio", "issue_wall_ratio");
    assertThat(keys(r)).contains("builtin.inventory_entries");
    assertThat(r.results().get(0).notes()).anyMatch(n -> n.contains("VAULT_ADDR is not set"));
  }

  @Test
  void renewalStorm_everyNodeRenewsAndReconnects() throws Exception {
    Bench.Report r = run("renewal-storm", 6, Duration.ofSeconds(4));

    assertThat(keys(r)).contains("peak_renewals_per_second", "failed_handshakes", "spread_seconds");
    assertThat(comparisons(r))
        .contains("due_peak_vs_even", "signed_peak_vs_due_peak", "peak_vs_ca");
    assertThat(r.results().get(0).figures())
        .filteredOn(f -> f.key().equals("renewals"))
        .allMatch(f -> f.value() == 6);
  }

  @Test
  void edgeFootprint_measuresTheEdgeProcessAndAnIdleJvm() throws Exception {
    Bench.Report r = run("edge-footprint", 1, Duration.ofSeconds(5));

    assertThat(keys(r))
        .contains(
            "launcher.rss_mib", "launcher.idle_jvm_rss_mib", "launcher.rss_after_connect_mib");
    assertThat(comparisons(r)).contains("launcher.rss_vs_idle_jvm");
  }

  @Test
  void block_closesEveryBlockedSessionAndRefusesItsReconnect() throws Exception {
    Bench.Report r = run("block", 6, Duration.ofSeconds(1));

    assertThat(keys(r))
        .contains(
            "block.closed_p50_ms",
            "block.closed_p99_ms",
            "block.refused_p99_ms",
            "disconnect.closed_p50_ms",
            "disconnect.closed_p99_ms");
    assertThat(comparisons(r)).contains("block_close_p50_ratio", "block_close_p99_ratio");
    assertThat(figure(r, "blocked")).isEqualTo(3);
    assertThat(figure(r, "block_reports_done")).isEqualTo(3);
    assertThat(figure(r, "block.reconnects_accepted")).isZero();
    assertThat(figure(r, "block.not_closed")).isZero();
  }

  @Test
  void crl_comparesHandshakesAndLoadsTheListedCrl() throws Exception {
    Bench.Report r = run("crl", 1_000, Duration.ofSeconds(1));

    assertThat(keys(r))
        .contains(
            "listed.handshakes_per_second",
            "empty.handshakes_per_second",
            "crl.load_p50_ms",
            "jdk.parse_p50_ms");
    assertThat(comparisons(r))
        .contains("crl_handshake_ratio", "crl_server_cpu_ratio", "crl_load_vs_jdk_parse");
    assertThat(figure(r, "listed.revoked_serials")).isEqualTo(1_000);
    assertThat(figure(r, "listed.failures")).isZero();
  }

  @Test
  void json_carriesFiguresRatiosAndTargets() throws Exception {
    Bench.Report r = run("issue", 1, Duration.ofMillis(400));

    JsonNode json = JsonReport.toJson(r);

    assertThat(json.path("machine").path("processors").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    JsonNode issue = json.path("scenarios").get(0);
    assertThat(issue.path("name").asText()).isEqualTo("issue");
    assertThat(issue.path("status").asText()).isEqualTo("measured");
    JsonNode ratio = null;
    for (JsonNode c : issue.path("comparisons")) {
      if (c.path("key").asText().equals("issue_ratio")) {
        ratio = c;
      }
    }
    assertThat(ratio).as("issue_ratio in " + issue).isNotNull();
    assertThat(ratio.path("ratio").asDouble())
        .isCloseTo(
            ratio.path("measured").asDouble() / ratio.path("baseline").asDouble(),
            org.assertj.core.data.Offset.offset(1e-9));
    assertThat(ratio.path("target").asText()).isEqualTo("≥ 0.800");
    assertThat(ratio.has("met")).isTrue();
  }
}
