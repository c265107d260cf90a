package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.pki.vault.config.VaultCloudConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes/overlays/vault is rendered and read as Kubernetes would read it, and the pieces
 * must fit: the agent and the CloudHub read the same config and share the in-memory volume where
 * that config puts the certificate, the Service reaches the ports the config listens on, and the
 * Vault role binds the service account the pod runs as.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {
  static final Path DEPLOY = Path.of("../deploy/kubernetes");
  final Map<String, JsonNode> byKind = new HashMap<>();
  JsonNode pod;
  CloudHubConfig.Loaded cloudcore;

  /**
   * The overlay these checks render ({@code deploy/kubernetes/overlays/NAME}); another one (the
   * gateway's) must fit together the same way.
   */
  String manifest() {
    return "vault";
  }

  @TempDir Path dir;

  @BeforeAll
  void read() throws Exception {
    for (JsonNode doc : Kustomize.render(DEPLOY.resolve("overlays").resolve(manifest()))) {
      assertThat(doc.path("apiVersion").asText())
          .as("every document has an apiVersion")
          .isNotEmpty();
      assertThat(byKind.put(doc.path("kind").asText(), doc))
          .as("one document of each kind")
          .isNull();
    }
    assertThat(byKind)
        .containsKeys("Namespace", "ServiceAccount", "ConfigMap", "Deployment", "Service");
    pod = byKind.get("Deployment").path("spec").path("template").path("spec");
    Path file = Files.createTempDirectory("manifests").resolve("cloudcore.yaml");
    Files.writeString(file, byKind.get("ConfigMap").path("data").path("cloudcore.yaml").asText());
    cloudcore = CloudHubConfig.loadAll(file);
  }

  List<JsonNode> containers() {
    List<JsonNode> all = new ArrayList<>();
    pod.path("initContainers").forEach(all::add);
    pod.path("containers").forEach(all::add);
    return all;
  }

  JsonNode container(String name) {
    return containers().stream()
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static List<String> args(JsonNode container) {
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  static String mountPath(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m.path("mountPath").asText();
      }
    }
    return null;
  }

  @Test
  void agentRunsOnceAsInitContainerAndForGoodAsSidecar_withTheCloudHubsConfig() {
    String config = args(container("cloudhub")).get(2);
    assertThat(args(container("cloudhub"))).containsExactly("cloudhub", "--config", config);
    assertThat(args(container("certificate-agent-init")))
        .containsExactly("agent", "--config", config, "--once");
    assertThat(args(container("certificate-agent"))).containsExactly("agent", "--config", config);
    assertThat(pod.path("initContainers").get(0).path("name").asText())
        .as("the agent's first certificate comes before anything else")
        .isEqualTo("certificate-agent-init");
    for (JsonNode c : containers()) {
      assertThat(config).startsWith(mountPath(c, "config") + "/");
    }
    assertThat(config).endsWith("/" + byKind.get("ConfigMap").path("data").fieldNames().next());
  }

  @Test
  void credentialsLiveOnASharedInMemoryVolume_whereTheConfigPutsThem() {
    JsonNode shared = null;
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals("shared")) {
        shared = v;
      }
    }
    assertThat(shared).isNotNull();
    assertThat(shared.path("emptyDir").path("medium").asText()).isEqualTo("Memory");
    String path = mountPath(container("cloudhub"), "shared");
    for (JsonNode c : containers()) {
      assertThat(mountPath(c, "shared")).as(c.path("name").asText()).isEqualTo(path);
    }
    CloudHubSettings hub = cloudcore.hub();
    // One level down: Kubernetes makes an emptyDir 0777, and a key in a directory others may
    // write is refused at start; the agent creates this one 0700.
    Path tls = Path.of(path, "tls");
    assertThat(hub.serverCertificateFile()).hasParentRaw(tls);
    assertThat(hub.serverKeyFile()).hasParentRaw(tls);
    assertThat(hub.caCertificateFile()).hasParentRaw(tls);
    assertThat(readOnly(container("cloudhub"), "shared"))
        .as("the CloudHub only reads the credentials")
        .isTrue();
    assertThat(readOnly(container("certificate-agent"), "shared")).isFalse();
    assertThat(readOnly(container("certificate-agent-init"), "shared")).isFalse();
  }

  static boolean readOnly(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m.path("readOnly").asBoolean(false);
      }
    }
    throw new AssertionError(volume + " is not mounted in " + container.path("name").asText());
  }

  @Test
  void vaultSettingsPointAtMountedFilesAndTheBoundServiceAccount() throws Exception {
    assertThat(cloudcore.pki().name()).isEqualTo("vault");
    var vault =
        cloudcore.yaml().section("modules.cloudHub.pki.vault", VaultCloudConfig.Vault.class);
    assertThat(vault.authMethod()).isEqualTo("kubernetes");
    String vaultCaMount = mountPath(container("certificate-agent"), "vault-ca");
    assertThat(vault.serverCA()).startsWith(vaultCaMount + "/");
    String script = Files.readString(DEPLOY.resolve("vault-setup.sh"));
    String serviceAccount = byKind.get("ServiceAccount").path("metadata").path("name").asText();
    String namespace = byKind.get("ServiceAccount").path("metadata").path("namespace").asText();
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(serviceAccount);
    assertThat(script)
        .contains("auth/kubernetes/role/" + vault.kubernetes().role())
        .contains("bound_service_account_names=" + serviceAccount)
        .contains("bound_service_account_namespaces=" + namespace)
        .contains("edgetrust-cloudhub,edgetrust-cloudhub-node-control");
  }

  @Test
  void serviceReachesThePortsTheCloudHubListensOn() {
    CloudHubSettings hub = cloudcore.hub();
    Map<String, Integer> containerPorts = new HashMap<>();
    container("cloudhub")
        .path("ports")
        .forEach(p -> containerPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
    assertThat(containerPorts)
        .containsEntry("websocket", hub.websocket().port())
        .containsEntry("https", hub.https().port());
    JsonNode service = byKind.get("Service");
    assertThat(service.path("spec").path("selector"))
        .isEqualTo(
            byKind.get("Deployment").path("spec").path("template").path("metadata").path("labels"));
    List<String> targets = new ArrayList<>();
    service.path("spec").path("ports").forEach(p -> targets.add(p.path("targetPort").asText()));
    assertThat(targets).containsExactlyInAnyOrder("websocket", "https");
  }
}
