package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.edgehub.config.EdgeHubSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/systemd/edgetrust-edgehub.service, read as systemd reads it: the hardening keys are set,
 * and every path the EdgeHub writes (credentials, the gateway's local CA) is writable under
 * ProtectSystem=strict — in its 0700 StateDirectory or a ReadWritePaths entry — and nothing more.
 */
class EdgeHubUnitHardeningTest {
  private static final Path SYSTEMD = Path.of("../deploy/systemd");

  /** Key to its values, continuation lines joined, comments dropped; a repeated key adds values. */
  private static Map<String, List<String>> unit() throws Exception {
    Map<String, List<String>> keys = new HashMap<>();
    String text =
        Files.readString(SYSTEMD.resolve("edgetrust-edgehub.service")).replace("\\\n", " ");
    for (String line : text.lines().toList()) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[")) {
        continue;
      }
      int eq = l.indexOf('=');
      keys.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
    }
    return keys;
  }

  private static String one(Map<String, List<String>> unit, String key) {
    assertThat(unit.get(key)).as(key).hasSize(1);
    return unit.get(key).get(0);
  }

  @Test
  void hardeningKeys_areSet() throws Exception {
    Map<String, List<String>> unit = unit();

    assertThat(one(unit, "NoNewPrivileges")).isEqualTo("true");
    assertThat(one(unit, "ProtectSystem")).isEqualTo("strict");
    assertThat(one(unit, "ProtectHome")).isEqualTo("true");
    assertThat(one(unit, "PrivateTmp")).isEqualTo("true");
    assertThat(one(unit, "StateDirectory")).isEqualTo("edgetrust");
    assertThat(one(unit, "StateDirectoryMode")).isEqualTo("0700");
    assertThat(one(unit, "UMask")).isEqualTo("0077");
    assertThat(one(unit, "CapabilityBoundingSet")).isEmpty();
  }

  @Test
  void everyPathTheEdgeHubWrites_isWritable_underProtectSystemStrict() throws Exception {
    Map<String, List<String>> unit = unit();
    List<Path> writable = new ArrayList<>();
    writable.add(Path.of("/var/lib").resolve(one(unit, "StateDirectory")));
    for (String paths : unit.getOrDefault("ReadWritePaths", List.of())) {
      for (String p : paths.split("\\s+")) {
        writable.add(Path.of(p.replaceFirst("^-", "")));
      }
    }
    EdgeHubSettings edge = EdgeHubSettings.load(SYSTEMD.resolve("edgetrust-edgecore.yaml"));
    List<Path> written =
        List.of(
            edge.caFile(),
            edge.certificateFile(),
            edge.privateKeyFile(),
            edge.gateway().orElseThrow().directory().resolve("token"));

    for (Path file : written) {
      assertThat(writable).as(file.toString()).anyMatch(file::startsWith);
    }
    assertThat(edge.privateKeyFile())
        .as("the key in the 0700 state directory")
        .startsWithRaw(writable.get(0));
  }
}
