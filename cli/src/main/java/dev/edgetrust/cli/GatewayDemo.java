package dev.edgetrust.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.revocation.BlockReport;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.GatewaySettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.edgehub.gateway.EdgeGateway;
import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import dev.edgetrust.standin.CloudcoreCredentials;
import dev.edgetrust.standin.CloudcoreStandIn;
import dev.edgetrust.standin.EdgecoreStandIn;
import dev.edgetrust.tls.JdkTls;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;

/**
 * {@code edgetrust demo --gateway}: edgetrust in front of an existing KubeEdge, on loopback. A
 * cloudcore-compatible upstream (the {@link CloudcoreStandIn}, a demo aid that behaves as
 * cloudcore's CloudHub, with its own CA), an edgetrust CloudHub with {@code upstream} on in front
 * of it, an edge gateway (an edgetrust EdgeHub with {@code gateway} on, enrolled as the node) and a
 * client speaking exactly as a stock edgecore ({@link EdgecoreStandIn}) that joins through the edge
 * gateway's loopback {@code /edge.crt} with its local token: a message each way across all three
 * hops, a server-certificate rotation on the gateway that cloudcore never notices, and a block that
 * drops both legs. {@link #run()} is true only if every step held.
 *
 * <p>Somewhat over 400 lines on purpose: it is one script, its steps in the order an operator sees
 * them print, each a method that reads top to bottom. What is not a step lives elsewhere: the
 * printing and waiting in {@link DemoScript}, the outside clients in {@link DemoProbes}.
 */
final class GatewayDemo {
  private static final NodeName NODE = NodeName.of("edge-node-1");
  private static final String PROJECT = "e632aba927ea4ac2b575ec1603d56f10";

  /** edgecore's heartbeat as configured here: short, so that keepalives show within the demo. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);

  /**
   * Where the stock edgecore dials and joins: the first hop in front of it. Today the cloud gateway
   * itself; the edge gateway (a local EdgeHub serving edgecore on loopback) becomes this hop when
   * it lands, with no other step changing.
   */
  record EdgecoreEntry(
      String description, InetSocketAddress websocket, URI httpServer, String joinToken) {}

  private final PrintStream out;
  private final DemoScript script;

  /** What edgecore's join left on the node, once it joined. */
  private EdgecoreStandIn.Joined joined;

  GatewayDemo(PrintStream out) {
    this.out = out;
    this.script = new DemoScript(out);
  }

  boolean run() throws Exception {
    return DemoScript.inScratchDirectory("edgetrust-demo-gateway-", this::run);
  }

  private boolean run(Path dir) throws Exception {
    out.println(
        "edgetrust demo --gateway: edgetrust's CloudHub in front of a cloudcore-compatible upstream, loopback, state in "
            + dir);
    out.println();
    BuiltinCa cloudcoreCa =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(
                dir.resolve("cloudcore/rootCA.crt"), dir.resolve("cloudcore/rootCA.key")),
            Clock.systemUTC());
    CloudcoreCredentials cloudcoreCredentials =
        CloudcoreCredentials.of(cloudcoreCa, Duration.ofHours(1));
    try (CloudcoreStandIn cloudcore =
        cloudcoreCredentials.startStandIn(
            Duration.ofSeconds(30), CloudcoreStandIn.Recording.EVERYTHING)) {
      script.step(
          true,
          "cloudcore-compatible upstream on 127.0.0.1:" + cloudcore.port(),
          "a demo aid behaving as cloudcore's CloudHub: its own CA, chain-only mTLS, node from node_id, acks");
      CloudcoreCredentials.GatewayFiles files =
          cloudcoreCredentials.writeGatewayFiles(dir.resolve("upstream"));
      script.step(
          true,
          "gateway certificate from cloudcore's CA",
          "CN=kubeedge.io, O=kubeEdge in "
              + files.certFile()
              + " (signed here by the stand-in's CA; a real cluster gets it from cloudcore's /edge.crt, README step 1)");

      CloudHubSettings settings =
          CloudHubSettings.loopback(dir.resolve("gateway")).toBuilder()
              .credentialPollInterval(Duration.ofMillis(200))
              .upstream(
                  UpstreamSettings.of(
                      new UpstreamServer("127.0.0.1", cloudcore.port()),
                      files.caFile(),
                      files.certFile(),
                      files.keyFile()))
              .build();
      BuiltinCa ca =
          BuiltinCa.loadOrCreate(
              BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
              Clock.systemUTC());
      try (CloudHub gateway =
          CloudHub.start(settings, ca, new CloudHubListener() {}, Clock.systemUTC())) {
        script.step(
            true,
            "edgetrust CloudHub started as the gateway (modules.cloudHub.upstream on)",
            "websocket 127.0.0.1:"
                + gateway.websocketAddress().orElseThrow().getPort()
                + ", its own built-in CA for the edges");
        try (EdgeHub edgeGateway = startEdgeGateway(dir.resolve("edge"), gateway, ca)) {
          Optional<EdgecoreEntry> entry = edgecoreEntry(edgeGateway);
          EdgecoreStandIn edge = entry.isEmpty() ? null : join(entry.get(), cloudcore, gateway);
          if (edge != null) {
            try (edge) {
              messages(edge, cloudcore);
              rotateServerCertificate(
                  gateway, ca, settings, edgeGateway.settings(), edge, cloudcore);
              block(gateway, edge, cloudcore);
            }
          }
        }
      }
    }
    return script.verdict();
  }

  /**
   * The edge gateway: an edgetrust EdgeHub beside the node's edgecore, enrolled with the cloud
   * gateway under the node's real identity (a join token of the gateway's CA), serving edgecore's
   * wire on loopback from a local CA.
   */
  private EdgeHub startEdgeGateway(Path dir, CloudHub gateway, BuiltinCa ca) throws Exception {
    EdgeHubSettings settings =
        EdgeHubSettings.builder(
                NODE,
                new ServerAddress("127.0.0.1", gateway.websocketAddress().orElseThrow().getPort()),
                URI.create(
                    "https://127.0.0.1:" + gateway.bootstrapAddress().orElseThrow().getPort()),
                dir)
            .token(JoinToken.parse(ca.mintJoinToken(NODE, Duration.ofHours(1)).value()))
            .gateway(
                GatewaySettings.builder()
                    .enable(true)
                    .directory(dir.resolve("gateway"))
                    .port(0)
                    .httpsPort(0))
            .build();
    EdgeHub edge = EdgeHub.builder(settings).build();
    edge.start();
    boolean connected = DemoScript.waitFor(() -> gateway.session(NODE).isPresent());
    script.step(
        connected,
        "edge gateway (edgetrust EdgeHub beside edgecore) enrolled and connected as " + NODE,
        "a node-bound join token of the cloud gateway's CA; the node's real identity lives here, edgecore gets a local one");
    return edge;
  }

  /**
   * Where the local edgecore dials: the edge gateway's loopback listeners and its local join token.
   */
  private Optional<EdgecoreEntry> edgecoreEntry(EdgeHub edge) throws Exception {
    Optional<EdgeGateway> local = edge.gateway();
    if (local.isEmpty()
        || local.get().websocketAddress().isEmpty()
        || local.get().httpsAddress().isEmpty()) {
      script.step(false, "edge gateway listening on loopback", "its listeners did not come up");
      return Optional.empty();
    }
    Path tokenFile = edge.settings().gateway().orElseThrow().tokenFile();
    return Optional.of(
        new EdgecoreEntry(
            "the edge gateway on loopback",
            local.get().websocketAddress().get(),
            URI.create("https://127.0.0.1:" + local.get().httpsAddress().get().getPort()),
            Files.readString(tokenFile, StandardCharsets.US_ASCII).strip()));
  }

  /**
   * edgecore joins and connects through {@code entry}; null (after a failed step) if it could not.
   */
  private EdgecoreStandIn join(EdgecoreEntry entry, CloudcoreStandIn cloudcore, CloudHub gateway)
      throws Exception {
    try {
      joined =
          EdgecoreStandIn.join(
              entry.httpServer(), NODE.value(), entry.joinToken(), Duration.ofSeconds(10));
    } catch (java.io.IOException e) {
      script.step(false, "edgecore joined through " + entry.description(), e.getMessage());
      return null;
    }
    X509Certificate cert = joined.credentials().chain().get(0);
    script.step(
        cert.getSubjectX500Principal().getName().contains("CN=" + NODE.commonName()),
        NODE
            + " (a stock edgecore's wire) joined through "
            + entry.description()
            + "'s /edge.crt with a join token",
        "its CSR said CN=kubeedge.io; the gateway's CA signed "
            + cert.getSubjectX500Principal().getName());

    EdgecoreStandIn edge =
        EdgecoreStandIn.connect(entry.websocket(), PROJECT, NODE.value(), joined, HEARTBEAT);
    boolean bothLegs =
        DemoScript.waitFor(
            () -> gateway.session(NODE).isPresent() && cloudcore.connected(NODE.value()));
    CloudcoreStandIn.Upgrade upgrade = cloudcore.upgrades().poll(1, TimeUnit.SECONDS);
    boolean asCloudcoreExpects =
        upgrade != null
            && NODE.value().equals(upgrade.header("node_id"))
            && "msg".equals(upgrade.header("ConnectionUse"))
            && upgrade.uri().endsWith("/" + NODE + "/events");
    script.step(
        bothLegs && asCloudcoreExpects,
        NODE + " connected: the gateway opened its upstream leg",
        upgrade == null
            ? "cloudcore saw no upgrade"
            : "cloudcore saw "
                + upgrade.uri()
                + ", node_id "
                + upgrade.header("node_id")
                + ", ConnectionUse "
                + upgrade.header("ConnectionUse")
                + " (edgecore sent Node_id, Project_id, Connectionuse)");
    return edge;
  }

  private void messages(EdgecoreStandIn edge, CloudcoreStandIn cloudcore) throws Exception {
    Message up =
        Message.create(
            new Message.Route("edged", "meta", "resource", "update", "default/node/" + NODE),
            TextNode.valueOf("status of " + NODE));
    edge.send(up);
    Optional<CloudcoreStandIn.Received> arrived = next(cloudcore, r -> !r.message().isKeepalive());
    Optional<Message> ack =
        nextAt(edge, m -> m.isResponse() && up.header().id().equals(m.header().parentId()));
    // Equal as a message, not byte for byte: the edge gateway hands messages to the EdgeHub's
    // session, which encodes them anew (the cloud gateway relays its frames unchanged).
    script.step(
        arrived.map(r -> r.node().equals(NODE.value()) && r.message().equals(up)).orElse(false)
            && ack.isPresent(),
        "edge → cloudcore: the message arrived intact across both gateways, cloudcore's ack came back",
        "node "
            + arrived.map(CloudcoreStandIn.Received::node).orElse("?")
            + "; ack operation \"response\", parent_msg_id "
            + ack.map(m -> m.header().parentId()).orElse("missing"));
    script.step(
        cloudcore.received().stream().anyMatch(r -> r.message().isKeepalive())
            || next(cloudcore, r -> r.message().isKeepalive()).isPresent(),
        "keepalives reach cloudcore",
        "the edge gateway answers edgecore's locally and its EdgeHub sends the node's own: cloudcore's keepalive check holds");

    Message down =
        Message.create(
            new Message.Route("edgecontroller", "edged", "resource", "update", "default/pod/demo"),
            TextNode.valueOf("hello from cloudcore"));
    cloudcore.send(NODE.value(), MessageCodec.encode(down) + "\n");
    Optional<Message> atEdge = nextAt(edge, m -> m.header().id().equals(down.header().id()));
    Optional<CloudcoreStandIn.Received> answer =
        next(
            cloudcore,
            r ->
                r.message().isResponse()
                    && down.header().id().equals(r.message().header().parentId()));
    script.step(
        atEdge.isPresent() && answer.isPresent(),
        "cloudcore → edge: the message arrived, edgecore's answer reached cloudcore",
        "parent_msg_id " + answer.map(r -> r.message().header().parentId()).orElse("missing"));
  }

  /**
   * The gateway's server certificate replaced on disk (as the certificate agent does): new
   * handshakes get the new one, the live session and its upstream leg stay as they are.
   */
  private void rotateServerCertificate(
      CloudHub gateway,
      BuiltinCa ca,
      CloudHubSettings settings,
      EdgeHubSettings node,
      EdgecoreStandIn edge,
      CloudcoreStandIn cloudcore)
      throws Exception {
    BigInteger before = gateway.serverCertificate().getSerialNumber();
    int upgradesBefore = cloudcore.upgrades().size();
    KeyPair keys = Keys.newP256();
    X509Certificate replacement =
        ca.sign(
                SigningRequest.forServer(
                    "KubeEdge",
                    Csr.create(keys, new X500Principal("CN=KubeEdge")),
                    settings.dnsNames(),
                    settings.advertiseAddresses(),
                    Duration.ofDays(30)))
            .certificate();
    new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile())
        .write(new HeldCertificate(keys.getPrivate(), List.of(replacement, ca.caCertificate())));
    int port = gateway.websocketAddress().orElseThrow().getPort();
    // A new handshake as the same node (the edge gateway's credentials): TLS only, no upgrade, so
    // the live session is not replaced.
    HeldCertificate nodeCredentials =
        new KeyCertificateFiles(node.privateKeyFile(), node.certificateFile()).read().orElseThrow();
    SSLContext anyEdge = JdkTls.context(Optional.of(nodeCredentials), List.of(ca.caCertificate()));
    BigInteger[] served = {before};
    boolean newOnes =
        DemoScript.waitFor(
            () -> {
              served[0] = DemoProbes.servedSerial(anyEdge, port).orElse(before);
              return served[0].equals(replacement.getSerialNumber());
            });
    script.step(
        newOnes,
        "gateway server certificate replaced on disk: new handshakes get it",
        "serial "
            + DemoScript.shortSerial(before.toString(16))
            + " → "
            + DemoScript.shortSerial(served[0].toString(16))
            + ", no restart");

    Message after =
        Message.create(
            new Message.Route("edged", "meta", "resource", "update", "default/node/" + NODE),
            TextNode.valueOf("after the rotation"));
    edge.send(after);
    boolean relayed =
        next(
                cloudcore,
                r ->
                    !r.message().isKeepalive()
                        && r.message().header().id().equals(after.header().id()))
            .isPresent();
    boolean untouched =
        !edge.closed().isDone()
            && cloudcore.connected(NODE.value())
            && cloudcore.closed().isEmpty()
            && cloudcore.upgrades().size() == upgradesBefore;
    script.step(
        relayed && untouched,
        "no upstream effect: the live session and its upstream leg stayed",
        "cloudcore saw no close and no new upgrade; a message relayed on the same legs");
  }

  private void block(CloudHub gateway, EdgecoreStandIn edge, CloudcoreStandIn cloudcore)
      throws Exception {
    BlockReport blocked = gateway.nodeAccess().block(NODE, "demo operator");
    Optional<EdgecoreStandIn.Closed> edgeLeg =
        Optional.ofNullable(
            edge.closed()
                .completeOnTimeout(null, DemoScript.WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .get());
    String upstreamLeg = cloudcore.closed().poll(DemoScript.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    script.step(
        blocked.succeeded()
            && edgeLeg.isPresent()
            && NODE.value().equals(upstreamLeg)
            && !cloudcore.connected(NODE.value()),
        "blocked "
            + NODE
            + " (NodeAccess.block, what ./edgetrust node block runs): both legs dropped",
        "edge leg "
            + edgeLeg.map(c -> c.status() + " " + c.reason()).orElse("still open")
            + "; cloudcore saw "
            + (upstreamLeg == null ? "no close" : upstreamLeg + "'s session close"));
    out.println();
    out.printf(
        "  %-13s %-22s %-22s %s%n",
        "node", "gateway session", "cloudcore session", "gateway server serial");
    out.printf(
        "  %-13s %-22s %-22s %s%n",
        NODE,
        gateway.session(NODE).isPresent() ? "open" : "closed (blocked)",
        cloudcore.connected(NODE.value()) ? "open" : "closed",
        DemoScript.shortSerial(gateway.serverCertificate().getSerialNumber().toString(16)));
  }

  /** The next frame cloudcore got that matches, waiting up to {@link DemoScript#WAIT}. */
  private static Optional<CloudcoreStandIn.Received> next(
      CloudcoreStandIn cloudcore, java.util.function.Predicate<CloudcoreStandIn.Received> which)
      throws InterruptedException {
    long deadline = System.nanoTime() + DemoScript.WAIT.toNanos();
    List<CloudcoreStandIn.Received> skipped = new ArrayList<>();
    try {
      while (System.nanoTime() < deadline) {
        CloudcoreStandIn.Received r = cloudcore.received().poll(100, TimeUnit.MILLISECONDS);
        if (r != null && which.test(r)) {
          return Optional.of(r);
        } else if (r != null) {
          skipped.add(r);
        }
      }
      return Optional.empty();
    } finally {
      // Keep what another step may look for (keepalives, say).
      cloudcore.received().addAll(skipped);
    }
  }

  private static Optional<Message> nextAt(
      EdgecoreStandIn edge, java.util.function.Predicate<Message> which)
      throws InterruptedException {
    long deadline = System.nanoTime() + DemoScript.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Message m = edge.received().poll(100, TimeUnit.MILLISECONDS);
      if (m != null && which.test(m)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
