package dev.edgetrust.cloudhub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetrust.cloudhub.config.AdminSettings;
import dev.edgetrust.cloudhub.config.RevocationSettings;
import dev.edgetrust.cloudhub.revocation.NodeAccess;
import dev.edgetrust.cloudhub.websocket.SessionRegistry;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's routes, methods and authentication as the handler answers them, driven through an
 * {@link EmbeddedChannel} over a real {@link NodeAccess} on the built-in CA. (TLS and admin client
 * certificates: {@code AdminApiTest}, end to end.)
 */
class AdminHandlerTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private NodeAccess access;
  private AdminCredentials credentials;
  private EmbeddedChannel channel;

  @BeforeEach
  void start() throws Exception {
    BuiltinCa ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("ca.crt"), dir.resolve("ca.key")), Clock.systemUTC());
    access =
        NodeAccess.start(
            RevocationSettings.defaults(dir), ca, new SessionRegistry(10), Clock.systemUTC());
    Path tokenFile = dir.resolve("admin.token");
    Files.writeString(tokenFile, TOKEN);
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    credentials =
        AdminCredentials.load(
            AdminSettings.on(
                "127.0.0.1",
                0,
                Optional.ofNullable(tokenFile),
                Optional.empty(),
                dir.resolve("admin.crt")));
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    access.close();
  }

  private FullHttpResponse ask(HttpMethod method, String uri, String authorization) {
    channel = new EmbeddedChannel(new AdminHandler(credentials, access, Runnable::run));
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    if (authorization != null) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    channel.writeInbound(request);
    channel.runPendingTasks();
    FullHttpResponse response = channel.readOutbound();
    assertThat(response).as("an answer").isNotNull();
    return response;
  }

  private FullHttpResponse ask(HttpMethod method, String uri) {
    return ask(method, uri, "Bearer " + TOKEN);
  }

  private static JsonNode json(FullHttpResponse response) throws Exception {
    try {
      return JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
    } finally {
      response.release();
    }
  }

  @Test
  void noCredentials_isRefusedWith401_andAudited() throws Exception {
    FullHttpResponse response = ask(HttpMethod.GET, "/nodes", null);

    assertThat(response.status().code()).isEqualTo(401);
    assertThat(response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .isEqualTo("Bearer realm=\"edgetrust admin\"");
    assertThat(json(response).get("error").asText())
        .startsWith("authenticate with 'Authorization: Bearer");
    List<String> audit = Files.readAllLines(RevocationSettings.defaults(dir).auditFile());
    assertThat(audit)
        .singleElement()
        .asString()
        .contains("\"refuse-admin\"")
        .contains("GET /nodes");
  }

  @Test
  void wrongToken_isRefusedWith401() throws Exception {
    FullHttpResponse response =
        ask(HttpMethod.POST, "/nodes/edge-1/block", "Bearer not-the-token-at-all-0000");

    assertThat(response.status().code()).isEqualTo(401);
    assertThat(json(response).get("error").asText()).isEqualTo("wrong bearer token");
    assertThat(access.isBlocked(dev.edgetrust.pki.NodeName.of("edge-1"))).isFalse();
  }

  @Test
  void getNodes_answersTheNodeList() throws Exception {
    FullHttpResponse response = ask(HttpMethod.GET, "/nodes");

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(json(response).get("nodes").isArray()).isTrue();
  }

  @Test
  void postNodes_isRefusedWith405() throws Exception {
    FullHttpResponse response = ask(HttpMethod.POST, "/nodes");

    assertThat(response.status().code()).isEqualTo(405);
    assertThat(json(response).get("error").asText()).isEqualTo("use GET /nodes");
  }

  @Test
  void getOnANodeAction_isRefusedWith405() throws Exception {
    FullHttpResponse response = ask(HttpMethod.GET, "/nodes/edge-1/block");

    assertThat(response.status().code()).isEqualTo(405);
    assertThat(json(response).get("error").asText()).isEqualTo("use POST /nodes/edge-1/block");
  }

  @Test
  void unknownRoute_isRefusedWith404_namingTheRoutes() throws Exception {
    FullHttpResponse response = ask(HttpMethod.POST, "/nodes/edge-1/delete");

    assertThat(response.status().code()).isEqualTo(404);
    assertThat(json(response).get("error").asText()).contains("POST /nodes/NAME/reset");
  }

  @Test
  void nodeActionOnAnInvalidName_isRefusedWith400() throws Exception {
    FullHttpResponse response = ask(HttpMethod.POST, "/nodes/Edge%20One/block");

    assertThat(response.status().code()).isEqualTo(400);
  }

  @Test
  void block_answersTheReport_withItsOutcomesAsWords() throws Exception {
    FullHttpResponse response = ask(HttpMethod.POST, "/nodes/edge-1/block");

    assertThat(response.status().code()).isEqualTo(200);
    JsonNode report = json(response);
    assertThat(report.get("node").asText()).isEqualTo("edge-1");
    assertThat(report.get("action").asText()).isEqualTo("block");
    assertThat(report.get("outcome").asText()).isEqualTo("done");
    assertThat(report.get("steps"))
        .extracting(s -> s.get("step").asText())
        .containsExactly("a", "b", "c", "d");
    assertThat(report.get("steps")).extracting(s -> s.get("outcome").asText()).containsOnly("done");
    assertThat(access.isBlocked(dev.edgetrust.pki.NodeName.of("edge-1"))).isTrue();
  }

  @Test
  void unblock_answersItsTwoSteps() throws Exception {
    ask(HttpMethod.POST, "/nodes/edge-1/block").release();
    channel.finishAndReleaseAll();

    JsonNode report = json(ask(HttpMethod.POST, "/nodes/edge-1/unblock"));

    assertThat(report.get("action").asText()).isEqualTo("unblock");
    assertThat(report.get("outcome").asText()).isEqualTo("done");
    assertThat(report.get("steps"))
        .extracting(s -> s.get("step").asText())
        .containsExactly("a", "d");
  }
}
