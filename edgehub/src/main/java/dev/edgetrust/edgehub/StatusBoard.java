package dev.edgetrust.edgehub;

import dev.edgetrust.edgehub.metrics.EdgeMetrics;
import dev.edgetrust.pki.NodeName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EdgeHub's status as its listeners see it. The event loop reports connection states and the
 * credential thread enrolment problems, so this is the one part both threads call: it holds no
 * state of theirs, only the last {@link EdgeHubStatus} it built, and a report (build the snapshot,
 * tell the listeners) happens under its lock so that listeners hear the states in order. Once
 * {@link ConnectionState#CLOSED}, it stays so.
 */
final class StatusBoard {
  /** The EdgeHub's logger: operators' log settings (and the tests) name it, not the parts. */
  private static final Logger log = LoggerFactory.getLogger(EdgeHub.class);

  private final NodeName node;
  private final CurrentCredentials credentials;
  private final Outbox outbox;
  private final EdgeMetrics metrics;
  private final List<Consumer<EdgeHubStatus>> listeners = new CopyOnWriteArrayList<>();

  /** Written under the lock; read without it. */
  private volatile EdgeHubStatus status;

  StatusBoard(NodeName node, CurrentCredentials credentials, Outbox outbox, EdgeMetrics metrics) {
    this.node = node;
    this.credentials = credentials;
    this.outbox = outbox;
    this.metrics = metrics;
    this.status = snapshot(ConnectionState.DISCONNECTED, Optional.of("not started"));
  }

  void addListener(Consumer<EdgeHubStatus> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void removeListener(Consumer<EdgeHubStatus> listener) {
    listeners.remove(listener);
  }

  /** The latest status, with the queue length as of now. */
  EdgeHubStatus current() {
    EdgeHubStatus s = status;
    return new EdgeHubStatus(
        s.state(),
        s.node(),
        s.certificateSerial(),
        s.certificateNotAfter(),
        s.rotations(),
        outbox.queued(),
        s.detail());
  }

  ConnectionState state() {
    return status.state();
  }

  void publish(ConnectionState state) {
    publish(state, Optional.empty());
  }

  void publish(ConnectionState state, String detail) {
    publish(state, Optional.of(detail));
  }

  /** The same state, with news: a failed renewal while connected, a renewed session that failed. */
  synchronized void publishDetail(String detail) {
    publish(status.state(), Optional.of(detail));
  }

  private synchronized void publish(ConnectionState state, Optional<String> detail) {
    if (status.state() == ConnectionState.CLOSED) {
      return;
    }
    status = snapshot(state, detail);
    metrics.connected(state == ConnectionState.CONNECTED);
    for (Consumer<EdgeHubStatus> listener : listeners) {
      try {
        listener.accept(status);
      } catch (RuntimeException e) {
        log.warn("node {}: a status listener failed: {}", node, e.toString());
      }
    }
  }

  private EdgeHubStatus snapshot(ConnectionState state, Optional<String> detail) {
    Optional<CurrentCredentials.InUse> inUse = credentials.get();
    return new EdgeHubStatus(
        state,
        node,
        inUse.map(c -> c.credentials().held().serialHex()),
        inUse.map(c -> c.credentials().held().notAfter()),
        inUse.map(CurrentCredentials.InUse::rotations).orElse(0),
        outbox.queued(),
        detail);
  }
}
