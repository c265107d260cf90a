package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/overlays/vault-gateway: every check of overlays/vault holds for it too, and the
 * gateway's own pieces fit — the upstream files are where the config reads them (the key 0600 on
 * the in-memory volume), and only the gateway's pods may reach cloudcore's WebSocket port.
 */
class GatewayManifestsTest extends KubernetesManifestsTest {
  @Override
  String manifest() {
    return "vault-gateway";
  }

  @Test
  void upstreamIsOn_andItsFilesAreCopiedWhereTheConfigReadsThem_theKey0600() {
    UpstreamSettings upstream = cloudcore.hub().upstream().orElseThrow();
    JsonNode copy = container("upstream-credentials");
    String script = String.join(" ", args(copy));
    String shared = mountPath(container("cloudhub"), "shared");
    for (Path file : List.of(upstream.caFile(), upstream.certFile(), upstream.keyFile())) {
      assertThat(file.toString()).startsWith(shared + "/");
      assertThat(script).contains(" " + file);
    }
    assertThat(script)
        .contains(
            "install -m 0600 "
                + mountPath(copy, "upstream")
                + "/"
                + upstream.keyFile().getFileName()
                + " "
                + upstream.keyFile());
    assertThat(readOnly(copy, "shared")).isFalse();
    assertThat(mountPath(container("cloudhub"), "upstream"))
        .as("the CloudHub reads the copies only")
        .isNull();
  }

  @Test
  void networkPolicy_letsOnlyTheGatewayReachCloudcoresWebSocketPort() {
    UpstreamSettings upstream = cloudcore.hub().upstream().orElseThrow();
    JsonNode policy = byKind.get("NetworkPolicy");
    assertThat(policy.path("metadata").path("namespace").asText()).isEqualTo("kubeedge");
    assertThat(policy.path("spec").path("policyTypes").toString()).contains("Ingress");
    JsonNode gatewayLabels =
        byKind.get("Deployment").path("spec").path("template").path("metadata").path("labels");
    List<JsonNode> rulesWithThePort = new ArrayList<>();
    for (JsonNode rule : policy.path("spec").path("ingress")) {
      for (JsonNode port : rule.path("ports")) {
        if (port.path("port").asInt() == upstream.server().port()) {
          rulesWithThePort.add(rule);
        }
      }
    }
    assertThat(rulesWithThePort).hasSize(1);
    JsonNode from = rulesWithThePort.get(0).path("from");
    assertThat(from).hasSize(1);
    assertThat(from.get(0).path("podSelector").path("matchLabels")).isEqualTo(gatewayLabels);
    assertThat(from.get(0).has("namespaceSelector")).isFalse();
  }
}
