package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mutual-TLS WebSocket channel, over real TLS on loopback. */
class WebSocketSessionTest {
  @TempDir Path dir;
  HubFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private static int refusalStatus(Throwable t) {
    Throwable c = t;
    while (c != null && !(c instanceof WebSocketHandshakeException)) {
      c = c.getCause();
    }
    return c == null ? -1 : ((WebSocketHandshakeException) c).getResponse().statusCode();
  }

  @Test
  void enrolledNode_connectsAndMessagesFlowBothWays() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate cert = f.enroll("edge-1");
    HubFixture.Client client = new HubFixture.Client();

    WebSocket ws =
        f.connect(f.tls(cert), "edge-1", "edge-1", client)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    await().until(() -> f.hub.session(NodeName.of("edge-1")).isPresent());

    Message up =
        Message.create(
            new Message.Route("edged", "meta", "resource", "update", "default/pod/x"),
            TextNode.valueOf("hello cloud"));
    ws.sendText(MessageCodec.encode(up) + "\n", true).get(5, TimeUnit.SECONDS);
    Map.Entry<NodeName, Message> got = f.received.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.getKey()).isEqualTo(NodeName.of("edge-1"));
    assertThat(got.getValue().header().id()).isEqualTo(up.header().id());

    Message down =
        Message.create(
            new Message.Route("edgecontroller", "edged", "resource", "update", "default/pod/y"),
            TextNode.valueOf("hello edge"));
    assertThat(f.hub.send(NodeName.of("edge-1"), down)).isTrue();
    Message atEdge = client.messages.poll(10, TimeUnit.SECONDS);
    assertThat(atEdge).isNotNull();
    assertThat(atEdge.content().asText()).isEqualTo("hello edge");

    ws.sendText(MessageCodec.encode(atEdge.response(TextNode.valueOf("OK"))), true)
        .get(5, TimeUnit.SECONDS);
    Map.Entry<NodeName, Message> reply = f.received.poll(10, TimeUnit.SECONDS);
    assertThat(reply.getValue().isResponse()).isTrue();
    assertThat(reply.getValue().header().parentId()).isEqualTo(down.header().id());
  }

  @Test
  void edgecoreQuirks_headerCaseTrailingNewlineAndEmptyGoodbye_areAccepted() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate cert = f.enroll("edge-1");
    HubFixture.Client client = new HubFixture.Client();
    int port = f.hub.websocketAddress().orElseThrow().getPort();

    WebSocket ws =
        HttpClient.newBuilder()
            .sslContext(f.tls(cert))
            .build()
            .newWebSocketBuilder()
            .header("Node_id", "edge-1")
            .header("Project_id", "e632aba927ea4ac2b575ec1603d56f10")
            .header("Connectionuse", "msg")
            .buildAsync(
                java.net.URI.create(
                    "wss://127.0.0.1:" + port + "/e632aba927ea4ac2b575ec1603d56f10/edge-1/events"),
                client)
            .get(10, TimeUnit.SECONDS);

    ws.sendText(
            "{\"header\":{\"msg_id\":\"\",\"timestamp\":0},\"route\":{},\"content\":null}\n", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText(MessageCodec.encode(Message.keepalive()) + "\n", true).get(5, TimeUnit.SECONDS);
    Message real =
        Message.create(
            new Message.Route("edged", "meta", "resource", "query", "x"),
            TextNode.valueOf("after"));
    ws.sendText(MessageCodec.encode(real) + "\n", true).get(5, TimeUnit.SECONDS);

    Map.Entry<NodeName, Message> got = f.received.poll(10, TimeUnit.SECONDS);
    assertThat(got.getValue().content().asText())
        .as("empty message and keepalive are not passed on")
        .isEqualTo("after");
  }

  @Test
  void nodeIdHeaderOfAnotherNode_isRefusedWith403() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate cert = f.enroll("edge-1");

    assertThatThrownBy(
            () ->
                f.connect(f.tls(cert), "edge-2", "edge-1", new HubFixture.Client())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .satisfies(t -> assertThat(refusalStatus(t)).isEqualTo(403));
    assertThat(f.hub.sessions()).isEmpty();
  }

  @Test
  void pathNamingAnotherNode_isRefusedWith403() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate cert = f.enroll("edge-1");

    assertThatThrownBy(
            () ->
                f.connect(f.tls(cert), "edge-1", "edge-2", new HubFixture.Client())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .satisfies(t -> assertThat(refusalStatus(t)).isEqualTo(403));
  }

  @Test
  void certificateFromAnotherCa_isRefusedAtTheHandshake() throws Exception {
    f = HubFixture.start(dir);
    BuiltinCa other =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("other/ca.crt"), dir.resolve("other/ca.key")),
            Clock.systemUTC());
    KeyPair keys = Keys.newP256();
    HeldCertificate foreign =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                other
                    .sign(
                        SigningRequest.forNode(
                            NodeName.of("edge-1"),
                            Csr.create(keys, new X500Principal("CN=x")),
                            Set.of(CertificateUsage.CLIENT_AUTH),
                            Duration.ofHours(1)))
                    .certificate()));

    assertThatThrownBy(
            () ->
                f.connect(f.tls(foreign), "edge-1", "edge-1", new HubFixture.Client())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .satisfies(
            t -> assertThat(refusalStatus(t)).as("refused in TLS, before any HTTP").isEqualTo(-1));
    assertThat(f.hub.sessions()).isEmpty();
  }

  @Test
  void expiredCertificate_isRefusedAtTheHandshake() throws Exception {
    f = HubFixture.start(dir);
    // The same CA, its clock two hours back: a one-hour certificate that expired an hour ago.
    BuiltinCa past =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key")),
            Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
    KeyPair keys = Keys.newP256();
    HeldCertificate expired =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                past.sign(
                        SigningRequest.forNode(
                            NodeName.of("edge-1"),
                            Csr.create(keys, new X500Principal("CN=x")),
                            Set.of(CertificateUsage.CLIENT_AUTH),
                            Duration.ofHours(1)))
                    .certificate()));

    assertThatThrownBy(
            () ->
                f.connect(f.tls(expired), "edge-1", "edge-1", new HubFixture.Client())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .satisfies(t -> assertThat(refusalStatus(t)).isEqualTo(-1));
    assertThat(f.hub.sessions()).isEmpty();
  }

  @Test
  void nodeCertificateWithServerUsageOnly_isRefusedAtTheHandshake() throws Exception {
    f = HubFixture.start(dir);
    HeldCertificate serverOnly =
        ForgedCertificates.signedByCa(
            f,
            NodeName.of("edge-1").subject(),
            List.of(CertificateUsage.SERVER_AUTH.oid()),
            List.of());

    assertThatThrownBy(
            () ->
                f.connect(f.tls(serverOnly), "edge-1", "edge-1", new HubFixture.Client())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .satisfies(
            t ->
                assertThat(refusalStatus(t))
                    .as("refused in TLS: no client-auth usage")
                    .isEqualTo(-1));
    assertThat(f.hub.sessions()).isEmpty();
  }

  @Test
  void certificateFromTheRightCaThatNamesNoNode_isRefusedWith403() throws Exception {
    f = HubFixture.start(dir);
    KeyPair keys = Keys.newP256();
    HeldCertificate notANode =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                f.ca
                    .sign(
                        new SigningRequest(
                            new X500Principal("CN=edge-1"),
                            Csr.create(keys, new X500Principal("CN=x")),
                            Set.of(CertificateUsage.CLIENT_AUTH),
                            List.of(),
                            List.of(),
                            Duration.ofHours(1)))
                    .certificate()));

    assertThatThrownBy(
            () ->
                f.connect(f.tls(notANode), "edge-1", "edge-1", new HubFixture.Client())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .satisfies(t -> assertThat(refusalStatus(t)).isEqualTo(403));
    assertThat(f.hub.sessions()).isEmpty();
  }

  @Test
  void silentNode_isClosedAfterTheKeepaliveInterval() throws Exception {
    f = HubFixture.start(dir, s -> s.toBuilder().keepaliveInterval(Duration.ofSeconds(1)).build());
    HubFixture.Client client = new HubFixture.Client();
    f.connect(f.tls(f.enroll("edge-1")), "edge-1", "edge-1", client)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    await().until(() -> f.hub.session(NodeName.of("edge-1")).isPresent());

    Integer status = client.closes.poll(30, TimeUnit.SECONDS);

    assertThat(status).isEqualTo(1008);
    await().until(() -> f.hub.sessions().isEmpty());
    assertThat(f.events).containsExactly("connected edge-1", "disconnected edge-1");
  }

  @Test
  void nodeLimit_refusesANewNodeButLetsAConnectedNodeReconnect() throws Exception {
    f = HubFixture.start(dir, s -> s.toBuilder().nodeLimit(1).build());
    HeldCertificate one = f.enroll("edge-1");
    HeldCertificate two = f.enroll("edge-2");
    HubFixture.Client first = new HubFixture.Client();
    f.connect(f.tls(one), "edge-1", "edge-1", first)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    await().until(() -> f.hub.sessions().size() == 1);

    assertThatThrownBy(
            () ->
                f.connect(f.tls(two), "edge-2", "edge-2", new HubFixture.Client())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .satisfies(t -> assertThat(refusalStatus(t)).isEqualTo(503));

    HubFixture.Client again = new HubFixture.Client();
    f.connect(f.tls(one), "edge-1", "edge-1", again)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(first.closes.poll(10, TimeUnit.SECONDS))
        .as("the replaced session is told to go away")
        .isEqualTo(1001);
    await().until(() -> f.hub.sessions().size() == 1);
    assertThat(
            f.hub.send(
                NodeName.of("edge-1"),
                Message.create(
                    new Message.Route("a", "b", "c", "d", "e"), TextNode.valueOf("to new"))))
        .isTrue();
    assertThat(again.messages.poll(10, TimeUnit.SECONDS).content().asText()).isEqualTo("to new");
  }

  @Test
  void shutdown_sendsEverySessionA1001CloseFrame() throws Exception {
    f = HubFixture.start(dir);
    HubFixture.Client one = new HubFixture.Client();
    HubFixture.Client two = new HubFixture.Client();
    f.connect(f.tls(f.enroll("edge-1")), "edge-1", "edge-1", one)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    f.connect(f.tls(f.enroll("edge-2")), "edge-2", "edge-2", two)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    await().until(() -> f.hub.sessions().size() == 2);

    f.close();
    f = null;

    assertThat(one.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(1001);
    assertThat(two.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(1001);
  }

  @Test
  void messageToANode_isOneTextFrameOfJsonAndANewline_asCloudcoreWritesIt() throws Exception {
    f = HubFixture.start(dir);
    HubFixture.Client client = new HubFixture.Client();
    f.connect(f.tls(f.enroll("edge-1")), "edge-1", "edge-1", client)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    await().until(() -> f.hub.session(NodeName.of("edge-1")).isPresent());
    Message down =
        Message.create(new Message.Route("a", "b", "c", "d", "e"), TextNode.valueOf("x"));

    f.hub.send(NodeName.of("edge-1"), down);

    assertThat(client.texts.poll(10, TimeUnit.SECONDS)).isEqualTo(MessageCodec.encode(down) + "\n");
  }
}
