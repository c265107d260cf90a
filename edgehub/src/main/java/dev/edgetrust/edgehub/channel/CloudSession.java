package dev.edgetrust.edgehub.channel;

import dev.edgetrust.message.Message;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One WebSocket connection to the CloudHub. Tracks the messages written to it whose writes have not
 * completed yet, so that a connection that dies hands them back instead of losing them.
 *
 * <p>Confined to its channel's event loop (except {@link #toString()}).
 */
public final class CloudSession {
  /**
   * What edgecore sends just before it closes: {@code {"header":{"msg_id":"","timestamp":0},
   * "route":{},"content":null}}.
   */
  static final Message CLOSING = new Message(null, null, null);

  private final String peer;
  private final SslContext tls;
  private Channel channel;
  private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
  private String failure;
  private CredentialVerdict verdict = CredentialVerdict.NONE;
  private boolean open;
  private boolean toldToGoAway;

  CloudSession(String peer, SslContext tls) {
    this.peer = peer;
    this.tls = tls;
  }

  void attach(Channel c) {
    this.channel = c;
  }

  public Channel channel() {
    return channel;
  }

  /** The TLS context (so: the certificate) this session was dialled with. */
  public SslContext tls() {
    return tls;
  }

  public boolean isOpen() {
    return open && channel.isActive();
  }

  public boolean isWritable() {
    return isOpen() && channel.isWritable();
  }

  /**
   * Writes {@code message} (not yet flushed); when the write completes, runs {@code onWritten}. A
   * message whose write has not completed when the session dies is returned by {@link
   * #takeUnconfirmed()}.
   */
  public void write(Message message, Runnable onWritten) {
    inFlight.addLast(message);
    channel
        .write(message)
        .addListener(
            f -> {
              // Writes on one channel complete in order, so the oldest in flight is the one done.
              if (f.isSuccess() && inFlight.pollFirst() != null) {
                onWritten.run();
              }
            });
  }

  public void flush() {
    channel.flush();
  }

  /** The messages written but never confirmed, oldest first; the session forgets them. */
  public List<Message> takeUnconfirmed() {
    List<Message> unconfirmed = List.copyOf(inFlight);
    inFlight.clear();
    return unconfirmed;
  }

  /** Says goodbye as edgecore does: the empty message, then a close frame, then the close. */
  public ChannelFuture closeGracefully() {
    if (isOpen()) {
      channel.write(CLOSING);
    }
    // The WebSocket protocol handler turns close() into a close frame followed by the close.
    return channel.close();
  }

  void opened() {
    open = true;
  }

  /** Keeps the first reason a session failed; later ones are consequences. */
  void fail(String reason) {
    if (failure == null) {
      failure = reason;
    }
  }

  String failure() {
    return failure;
  }

  /**
   * Records what the CloudHub said about this session's certificate; a revocation outranks a
   * refusal.
   */
  void judge(CredentialVerdict said) {
    if (said.compareTo(verdict) > 0) {
      verdict = said;
    }
  }

  /** The CloudHub closed this session with 1001 (going away): restarting, or a newer session. */
  void goneAway() {
    toldToGoAway = true;
  }

  /**
   * Whether the CloudHub said it is going away (1001): nothing is wrong with this node or the
   * network, so it reconnects at once (jittered) instead of backing off.
   */
  public boolean toldToGoAway() {
    return toldToGoAway;
  }

  /** What the end of this session says about its certificate. */
  public CredentialVerdict verdict() {
    return verdict;
  }

  String peer() {
    return peer;
  }

  @Override
  public String toString() {
    return "CloudSession[" + peer + ", " + channel.id().asShortText() + "]";
  }
}
