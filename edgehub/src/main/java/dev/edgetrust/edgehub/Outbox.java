package dev.edgetrust.edgehub;

import dev.edgetrust.edgehub.channel.CloudSession;
import dev.edgetrust.edgehub.gateway.Upstream;
import dev.edgetrust.message.Message;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The messages for the CloudHub, from {@link EdgeHub#send} and from the local gateway's edgecore:
 * queued across disconnects, written to the live session no faster than {@code messageQPS} / {@code
 * messageBurst}, and dropped from the queue only once written.
 *
 * <p>Threads: {@link #send} and {@link #queued} from any thread — a semaphore bounds the queue and
 * the message hops to the event loop. Everything else runs on the event loop, which alone owns the
 * queue, the rate limiter, the pending flush and the session written to; the {@link CloudLink}
 * tells it which session that is.
 */
final class Outbox implements Upstream {
  private final EventLoop loop;
  private final int capacityLimit;
  private final Semaphore capacity;

  /** Cleared by {@link #close()} (any thread): from then on {@link #send} refuses. */
  private volatile boolean accepting = true;

  // Event loop only.
  private final ArrayDeque<Message> unsent = new ArrayDeque<>();
  private final SendRateLimiter rateLimiter;
  private Optional<CloudSession> session = Optional.empty();
  private Optional<Future<?>> flushTask = Optional.empty();
  private boolean stopped;

  Outbox(EventLoop loop, int capacity, SendRateLimiter rateLimiter) {
    this.loop = Objects.requireNonNull(loop, "loop");
    this.capacityLimit = capacity;
    this.capacity = new Semaphore(capacity);
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
  }

  /**
   * Queues {@code message}; any thread.
   *
   * @return false if the queue is full or the outbox closed; the message was not taken
   */
  @Override
  public boolean send(Message message) {
    Objects.requireNonNull(message, "message");
    if (!accepting || !capacity.tryAcquire()) {
      return false;
    }
    try {
      loop.execute(new Enqueue(message));
      return true;
    } catch (RejectedExecutionException e) {
      capacity.release();
      return false;
    }
  }

  /** Messages taken by {@link #send} and not yet written; any thread. */
  int queued() {
    return capacityLimit - capacity.availablePermits();
  }

  /** Refuses further messages; any thread. What is queued stays (and is counted) until stopped. */
  void close() {
    accepting = false;
  }

  /** The hop of one message onto the event loop. */
  private final class Enqueue implements Runnable {
    private final Message message;

    Enqueue(Message message) {
      this.message = message;
    }

    @Override
    public void run() {
      unsent.addLast(message);
      flush();
    }
  }

  // ---- event loop ----

  /** {@code opened} is the live session from now on: what is queued goes to it. */
  void sessionOpened(CloudSession opened) {
    session = Optional.of(opened);
    flush();
  }

  void sessionWritable(CloudSession writable) {
    if (session.equals(Optional.of(writable))) {
      flush();
    }
  }

  /**
   * {@code ended} is gone: what it was given but never confirmed goes back to the head of the
   * queue, in order, for the live session (this one's successor, if there is one yet).
   */
  void sessionClosed(CloudSession ended) {
    List<Message> unconfirmed = ended.takeUnconfirmed();
    for (int i = unconfirmed.size() - 1; i >= 0; i--) {
      unsent.addFirst(unconfirmed.get(i));
    }
    if (session.equals(Optional.of(ended))) {
      session = Optional.empty();
    }
    flush();
  }

  /** Writes nothing more; the messages still queued stay counted (the EdgeHub reports them). */
  void stop() {
    stopped = true;
    flushTask.ifPresent(task -> task.cancel(false));
    flushTask = Optional.empty();
    session = Optional.empty();
  }

  private void flush() {
    if (session.isEmpty() || stopped) {
      return;
    }
    CloudSession live = session.get();
    boolean wrote = false;
    while (!unsent.isEmpty() && live.isWritable()) {
      long wait = rateLimiter.tryAcquire();
      if (wait > 0) {
        if (flushTask.isEmpty()) {
          flushTask = Optional.of(loop.schedule(this::flushWhenDue, wait, TimeUnit.NANOSECONDS));
        }
        break;
      }
      live.write(unsent.pollFirst(), capacity::release);
      wrote = true;
    }
    if (wrote) {
      live.flush();
    }
  }

  /** The rate limit's wait is over. */
  private void flushWhenDue() {
    flushTask = Optional.empty();
    flush();
  }
}
