package dev.edgetrust.cloudhub.gateway;

import dev.edgetrust.cloudhub.config.UpstreamServer;
import dev.edgetrust.cloudhub.config.UpstreamSettings;
import dev.edgetrust.credential.CredentialFileException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import java.time.Duration;
import java.util.Optional;

/**
 * The CloudHub as a gateway in front of cloudcore: every edge session the CloudHub admits gets one
 * WebSocket session to cloudcore's CloudHub, opened with cloudcore's own handshake, and messages
 * are relayed both ways unchanged.
 *
 * <p>Decisions, each for a reason:
 *
 * <ul>
 *   <li>The upstream leg is dialed only once the edge session is admitted (identity, blocks,
 *       nodeLimit, one session per node) and the session it replaced, if any, is closed on both
 *       legs: cloudcore never sees a node the CloudHub refused, nor two sessions of one node.
 *   <li>When cloudcore's leg goes, the edge session is closed (1001) rather than re-dialed:
 *       cloudcore keeps per-session state (its queue of messages for the node, what it waits to
 *       have acknowledged), and a quiet re-dial would hide from edgecore that it is gone. The edge
 *       reconnects, as it does when cloudcore restarts, and both legs are new.
 *   <li>A failed dial closes the edge session (1013, try again later) and makes every session wait
 *       before dialing again ({@link DialGate}): a down cloudcore costs one dial per back-off, not
 *       one per edge reconnect. An unreachable cloudcore never stops the CloudHub.
 * </ul>
 */
public final class UpstreamGateway {
  private final UpstreamSettings settings;
  private final DialGate gate;
  private final UpstreamDialer dialer;
  private final RelayObserver observer;

  private UpstreamGateway(
      UpstreamSettings settings, DialGate gate, UpstreamDialer dialer, RelayObserver observer) {
    this.settings = settings;
    this.observer = observer;
    this.gate = gate;
    this.dialer = dialer;
  }

  /**
   * Loads the gateway's TLS files and, on {@code group}, checks once whether cloudcore is reachable
   * (one log line; it does not wait for the answer).
   *
   * @param writeTimeout a write to cloudcore not done in this time ends the session (the CloudHub's
   *     own {@code writeTimeout})
   * @param keepaliveInterval the CloudHub's own: cloudcore is pinged twice per interval and its leg
   *     counts as dead after three with nothing from it
   * @param observer hears every relayed session open and end (the metrics)
   * @throws CredentialFileException naming a TLS file that is missing, unreadable or wrong
   */
  public static UpstreamGateway start(
      UpstreamSettings settings,
      Duration writeTimeout,
      Duration keepaliveInterval,
      EventLoopGroup group,
      RelayObserver observer)
      throws CredentialFileException {
    UpstreamTls tls = UpstreamTls.load(settings.caFile(), settings.certFile(), settings.keyFile());
    DialGate gate =
        new DialGate(settings.dialBackoff(), settings.maxDialBackoff(), System::nanoTime);
    UpstreamGateway gateway =
        new UpstreamGateway(
            settings,
            gate,
            new UpstreamConnector(
                settings.server(), tls, settings.dialTimeout(), writeTimeout, keepaliveInterval),
            observer);
    UpstreamProbe.run(group, settings.server(), tls.context(), settings.dialTimeout(), gate);
    return gateway;
  }

  public UpstreamServer server() {
    return settings.server();
  }

  /**
   * Takes over an admitted edge session: returns the handler to put in its pipeline in front of the
   * CloudHub's session handler, and dials cloudcore once the session it replaced is gone. Call on
   * the session's event loop.
   */
  public ChannelHandler relay(EdgeSession edge) {
    Relay relay =
        new Relay(
            edge,
            settings.server(),
            settings.maxBufferedBytes(),
            settings.dialTimeout(),
            gate,
            observer);
    edge.channel().attr(Relay.KEY).set(relay);
    DialWhenReady dial = new DialWhenReady(relay, dialer);
    if (edge.predecessor().isPresent()) {
      edge.predecessor()
          .get()
          .closeFuture()
          .addListener(new PredecessorClosed(edge.predecessor().get(), dial));
    } else {
      // A task, not a call: the handler returned here is in the pipeline before the dial starts.
      dial.schedule();
    }
    return new EdgeLegHandler(relay);
  }

  /** Dials on the relay's own event loop. */
  private static final class DialWhenReady implements Runnable, FutureListener<Void> {
    private final Relay relay;
    private final UpstreamDialer dialer;

    DialWhenReady(Relay relay, UpstreamDialer dialer) {
      this.relay = relay;
      this.dialer = dialer;
    }

    @Override
    public void run() {
      relay.dial(dialer);
    }

    @Override
    public void operationComplete(Future<Void> predecessorFinished) {
      schedule();
    }

    void schedule() {
      relay.edge().channel().eventLoop().execute(this);
    }
  }

  /** The replaced session's edge leg closed: wait for its upstream leg too, then dial. */
  private static final class PredecessorClosed implements FutureListener<Void> {
    private final Channel predecessor;
    private final DialWhenReady dial;

    PredecessorClosed(Channel predecessor, DialWhenReady dial) {
      this.predecessor = predecessor;
      this.dial = dial;
    }

    @Override
    public void operationComplete(Future<Void> closed) {
      Optional<Relay> previous = Relay.of(predecessor);
      if (previous.isPresent()) {
        previous.get().finished().addListener(dial);
      } else {
        dial.schedule();
      }
    }
  }
}
