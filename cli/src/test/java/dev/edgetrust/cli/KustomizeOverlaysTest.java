package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every overlay in deploy/kubernetes/overlays, rendered by {@code kubectl kustomize} and read as
 * Kubernetes would: the image the Jib plugin builds everywhere, probes on the CloudHub's own {@code
 * /readyz} and {@code /healthz}, resources, metrics on, one replica (replicas share no state yet),
 * the agent and the CloudHub on one in-memory volume, and no secret in a ConfigMap.
 */
class KustomizeOverlaysTest {
  static final Path OVERLAYS = Path.of("../deploy/kubernetes/overlays");

  /** Config keys that hold a secret inline; a file naming one ({@code tokenFile}) is fine. */
  static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(token|secret|password|privatekey|secretid)$");

  @TempDir Path dir;

  static Stream<String> overlays() throws Exception {
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      List<String> names = dirs.map(d -> d.getFileName().toString()).sorted().toList();
      assertThat(names).contains("builtin", "vault", "vault-gateway");
      return names.stream();
    }
  }

  private record Rendered(List<JsonNode> docs) {
    List<JsonNode> of(String kind) {
      return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    JsonNode deployment() {
      assertThat(of("Deployment")).hasSize(1);
      return of("Deployment").get(0);
    }

    JsonNode pod() {
      return deployment().path("spec").path("template").path("spec");
    }

    List<JsonNode> containers() {
      List<JsonNode> all = new ArrayList<>();
      pod().path("initContainers").forEach(all::add);
      pod().path("containers").forEach(all::add);
      return all;
    }

    JsonNode container(String name) {
      return containers().stream()
          .filter(c -> c.path("name").asText().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no container " + name));
    }
  }

  private static Rendered render(String overlay) throws Exception {
    return new Rendered(Kustomize.render(OVERLAYS.resolve(overlay)));
  }

  private CloudHubSettings cloudcore(Rendered r) throws Exception {
    assertThat(r.of("ConfigMap")).hasSize(1);
    Path file = Files.createDirectories(dir.resolve("config")).resolve("cloudcore.yaml");
    Files.writeString(file, r.of("ConfigMap").get(0).path("data").path("cloudcore.yaml").asText());
    return CloudHubConfig.loadAll(file).hub();
  }

  /** The image cli/pom.xml's Jib plugin builds. */
  private static String jibImage() throws Exception {
    Matcher m =
        Pattern.compile("<edgetrust.image>([^<]+)</edgetrust.image>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).as("cli/pom.xml names the image").isTrue();
    return m.group(1);
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m.path("mountPath").asText();
      }
    }
    return null;
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainer_runsTheImageJibBuilds(String overlay) throws Exception {
    Rendered r = render(overlay);

    for (JsonNode c : r.containers()) {
      assertThat(c.path("image").asText())
          .as(overlay + ": " + c.path("name"))
          .isEqualTo(jibImage());
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void cloudHub_isProbedOnReadyzAndHealthz_ofItsMetricsListener_withResources(String overlay)
      throws Exception {
    Rendered r = render(overlay);
    CloudHubSettings hub = cloudcore(r);
    JsonNode cloudhub = r.container("cloudhub");
    Map<String, Integer> ports = new HashMap<>();
    cloudhub
        .path("ports")
        .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));

    assertThat(hub.metrics().enabled()).as(overlay + ": metrics on").isTrue();
    assertThat(hub.metrics().address())
        .as("the kubelet probes from outside the pod")
        .isEqualTo("0.0.0.0");
    JsonNode readiness = cloudhub.path("readinessProbe").path("httpGet");
    JsonNode liveness = cloudhub.path("livenessProbe").path("httpGet");
    assertThat(readiness.path("path").asText()).isEqualTo("/readyz");
    assertThat(liveness.path("path").asText()).isEqualTo("/healthz");
    assertThat(ports.get(readiness.path("port").asText())).isEqualTo(hub.metrics().port());
    assertThat(ports.get(liveness.path("port").asText())).isEqualTo(hub.metrics().port());
    for (JsonNode c : r.containers()) {
      assertThat(c.path("resources").path("requests").path("memory").asText())
          .as(overlay + ": " + c.path("name") + " requests memory")
          .isNotEmpty();
    }
    assertThat(cloudhub.path("resources").path("requests").path("cpu").asText()).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void oneReplica_recreated_withItsStateOnAPersistentVolume(String overlay) throws Exception {
    Rendered r = render(overlay);
    CloudHubSettings hub = cloudcore(r);

    assertThat(r.deployment().path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(r.deployment().path("spec").path("strategy").path("type").asText())
        .isEqualTo("Recreate");
    String state = mountPath(r.container("cloudhub"), "state");
    assertThat(state).isNotNull();
    assertThat(r.of("PersistentVolumeClaim")).hasSize(1);
    // Everything the CloudHub writes and must keep lands on that volume.
    for (Path written :
        List.of(
            hub.revocation().auditFile(),
            hub.revocation().inventoryFile(),
            hub.revocation().localListFile())) {
      assertThat(written.toString()).as(overlay).startsWith(state + "/");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyMountedVolumeIsDeclared_andTheAgentSharesTheCloudHubsCredentialVolume(String overlay)
      throws Exception {
    Rendered r = render(overlay);
    List<String> volumes = new ArrayList<>();
    r.pod().path("volumes").forEach(v -> volumes.add(v.path("name").asText()));

    for (JsonNode c : r.containers()) {
      c.path("volumeMounts")
          .forEach(m -> assertThat(volumes).as(overlay).contains(m.path("name").asText()));
    }
    boolean agent =
        r.containers().stream().anyMatch(c -> c.path("name").asText().equals("certificate-agent"));
    if (agent) {
      String shared = mountPath(r.container("cloudhub"), "shared");
      assertThat(shared).isNotNull();
      assertThat(mountPath(r.container("certificate-agent"), "shared")).isEqualTo(shared);
      assertThat(mountPath(r.container("certificate-agent-init"), "shared")).isEqualTo(shared);
      assertThat(cloudcore(r).serverKeyFile().toString()).startsWith(shared + "/");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void noConfigMapHoldsASecret(String overlay) throws Exception {
    Rendered r = render(overlay);
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    for (JsonNode configMap : r.of("ConfigMap")) {
      configMap
          .path("data")
          .properties()
          .forEach(
              entry -> {
                String text = entry.getValue().asText();
                assertThat(text).as(overlay + ": " + entry.getKey()).doesNotContain("PRIVATE KEY");
                try {
                  assertNoInlineSecret(yaml.readTree(text), overlay + ": " + entry.getKey());
                } catch (java.io.IOException e) {
                  throw new AssertionError(entry.getKey() + " is not YAML", e);
                }
              });
    }
  }

  private static void assertNoInlineSecret(JsonNode node, String where) {
    node.properties()
        .forEach(
            e -> {
              String key = e.getKey().toLowerCase(Locale.ROOT);
              if (SECRET_KEY.matcher(key).matches() && e.getValue().isValueNode()) {
                assertThat(e.getValue().asText())
                    .as(where + ": '" + e.getKey() + "' holds a secret inline; name a file instead")
                    .isEmpty();
              }
              assertNoInlineSecret(e.getValue(), where + "." + e.getKey());
            });
    if (node.isArray()) {
      node.forEach(n -> assertNoInlineSecret(n, where));
    }
  }

  @Test
  void theSecretsPodsReadComeFromSecrets_notConfigMaps() throws Exception {
    Rendered r = render("vault-gateway");
    Map<String, JsonNode> volumes = new HashMap<>();
    r.pod().path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));

    assertThat(volumes.get("upstream").has("secret")).isTrue();
    assertThat(volumes.get("vault-ca").has("secret")).isTrue();
    assertThat(volumes.get("config").has("configMap")).isTrue();
  }
}
