package dev.edgetrust.edgehub.gateway;

import dev.edgetrust.message.Message;
import dev.edgetrust.message.MessageCodec;
import dev.edgetrust.pki.NodeName;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local edgecore's session and the node's upstream session, joined: what the local edgecore
 * sends goes to the EdgeHub's outbox, what the CloudHub sends goes to the local edgecore.
 *
 * <p>Confined to the EdgeHub's event loop (the local listener runs on it too), so it needs no
 * locks. Decisions, each written down in the README:
 *
 * <ul>
 *   <li>Keepalives from the local edgecore are answered here (they keep its session alive), not
 *       relayed: the EdgeHub sends its own upstream, whether or not an edgecore is connected. Its
 *       empty goodbye is not relayed either: it speaks of the local session only.
 *   <li>A local session is admitted only while the upstream session is up, and closed (1001) when
 *       it ends, so edgecore sees the cloud come and go exactly as it would with cloudcore.
 *   <li>The local edgecore leaving does not touch the upstream session. Cloud messages that arrive
 *       meanwhile are held, up to {@code maxBufferedBytes}, oldest dropped first past it, and
 *       handed over in order to the next local session.
 *   <li>Toward a connected edgecore at most {@code maxBufferedBytes} wait to be written; past it,
 *       its connection is closed. Toward the CloudHub, a full outbox closes the local session with
 *       1011: the EdgeHub's outbox is already the bounded buffer.
 * </ul>
 */
final class LocalRelay {
  private static final Logger log = LoggerFactory.getLogger(LocalRelay.class);

  private final NodeName node;
  private final Upstream upstream;
  private final int maxBufferedBytes;
  private final ArrayDeque<byte[]> held = new ArrayDeque<>();
  private long heldBytes;
  private long droppedWhileAway;
  private long toLocal;
  private boolean upstreamOpen;
  private Optional<Channel> local = Optional.empty();

  LocalRelay(NodeName node, Upstream upstream, int maxBufferedBytes) {
    this.node = node;
    this.upstream = upstream;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  boolean upstreamOpen() {
    return upstreamOpen;
  }

  /** The local session, if one is up. */
  Optional<Channel> local() {
    return local;
  }

  long held() {
    return heldBytes;
  }

  // ---- the local leg ----

  /** The local edgecore's WebSocket upgrade completed: it is the local session from now on. */
  void localOpened(Channel channel) {
    Optional<Channel> previous = local;
    local = Optional.of(channel);
    toLocal = 0;
    previous.ifPresent(old -> end(old, LocalEnd.REPLACED));
    log.info(
        "node {}: local edgecore connected from {}{}",
        node,
        channel.remoteAddress(),
        held.isEmpty() ? "" : "; handing over " + held.size() + " message(s) held meanwhile");
    if (droppedWhileAway > 0) {
      log.warn(
          "node {}: {} cloud message(s) were dropped while no local edgecore was connected"
              + " (more than gateway.maxBufferedBytes {} held)",
          node,
          droppedWhileAway,
          maxBufferedBytes);
      droppedWhileAway = 0;
    }
    while (!held.isEmpty() && local.isPresent()) {
      byte[] text = held.pollFirst();
      heldBytes -= text.length;
      write(channel, text);
    }
  }

  /** A message from the local edgecore. */
  void fromLocal(Channel channel, Message message) {
    if (!local.equals(Optional.of(channel))) {
      return;
    }
    if (message.isEmpty() || message.isKeepalive()) {
      // Answered here: the goodbye and keepalives speak of the local session only.
      return;
    }
    if (!upstream.send(message)) {
      log.warn(
          "node {}: the EdgeHub's outbox to the CloudHub is full; closing the local edgecore's session",
          node);
      end(channel, LocalEnd.UPSTREAM_TOO_SLOW);
    }
  }

  /** The local connection closed, for whatever reason. */
  void localGone(Channel channel) {
    if (local.equals(Optional.of(channel))) {
      local = Optional.empty();
      toLocal = 0;
      log.info("node {}: local edgecore disconnected; the session to the CloudHub stays up", node);
    }
  }

  /** The local edgecore sent nothing, keepalives included, for the keepalive interval. */
  void localSilent(Channel channel) {
    log.info(
        "node {}: no message from the local edgecore within gateway.keepaliveInterval; closing its connection",
        node);
    end(channel, LocalEnd.LOCAL_SILENT);
  }

  // ---- the upstream leg ----

  void upstreamOpened() {
    upstreamOpen = true;
  }

  void upstreamClosed(String reason) {
    upstreamOpen = false;
    local.ifPresent(
        channel -> {
          log.info(
              "node {}: the session to the CloudHub ended ({}); closing the local edgecore's session",
              node,
              reason);
          end(channel, LocalEnd.UPSTREAM_GONE);
        });
  }

  /** A message from the CloudHub, for the local edgecore: written, or held while it is away. */
  void fromCloud(Message message) {
    // As gorilla's WriteJSON writes it, which edgecore's reader expects: JSON and a newline.
    byte[] text = (MessageCodec.encodeFrame(message)).getBytes(StandardCharsets.UTF_8);
    if (local.isPresent()) {
      write(local.get(), text);
      return;
    }
    held.addLast(text);
    heldBytes += text.length;
    while (heldBytes > maxBufferedBytes && !held.isEmpty()) {
      heldBytes -= held.pollFirst().length;
      droppedWhileAway++;
    }
  }

  void stop() {
    local.ifPresent(channel -> end(channel, LocalEnd.STOPPING));
  }

  private void write(Channel channel, byte[] text) {
    toLocal += text.length;
    if (toLocal > maxBufferedBytes) {
      log.warn(
          "node {}: {} bytes wait for the local edgecore, more than gateway.maxBufferedBytes ({}):"
              + " it is not reading; closing its connection",
          node,
          toLocal,
          maxBufferedBytes);
      end(channel, LocalEnd.LOCAL_TOO_SLOW);
      return;
    }
    channel
        .writeAndFlush(new TextWebSocketFrame(channel.alloc().buffer(text.length).writeBytes(text)))
        .addListener(new Written(channel, text.length));
  }

  private void end(Channel channel, LocalEnd why) {
    if (local.equals(Optional.of(channel))) {
      local = Optional.empty();
      toLocal = 0;
    }
    if (why.getsCloseFrame() && channel.isActive()) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(why.status(), why.reason()))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  /** A message left for the local edgecore (or its connection closed): it no longer waits. */
  private final class Written implements ChannelFutureListener {
    private final Channel channel;
    private final int size;

    Written(Channel channel, int size) {
      this.channel = channel;
      this.size = size;
    }

    @Override
    public void operationComplete(ChannelFuture future) {
      if (local.equals(Optional.of(channel))) {
        toLocal -= size;
      }
    }
  }
}
