package dev.edgetrust.pki.builtin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The append-only journal of {@link IssuedSerials}, with group commit: {@link #append} writes a
 * line and returns its ticket at once; {@link #awaitDurable} returns when the line is on disk. One
 * waiter at a time runs the fsync and it covers every line appended before it started, so
 * certificates signed while the disk was busy share the next fsync instead of queuing one each. The
 * file stays open between appends.
 *
 * <p>Thread safe. A failed fsync fails every line it was to cover (the kernel may have dropped
 * those pages, and a later fsync would not say so); lines appended after it get an fsync of their
 * own.
 */
final class SerialJournal implements AutoCloseable {
  private final Path file;
  private FileChannel channel;

  /** The file's length while it is open: where the next line starts. */
  private long length;

  /**
   * Tickets are line numbers since the journal was opened: the last one written, and the last one
   * on disk.
   */
  private long appended;

  private long durable;

  /** Lines up to this ticket were covered by an fsync that failed. */
  private long failedUpTo;

  private IOException failure;
  private boolean syncing;

  SerialJournal(Path file) {
    this.file = file;
  }

  /**
   * Writes {@code line} (ASCII, newline-terminated) at the end of the file; it is not durable yet.
   * A write that fails is cut off again, so that a torn line can only ever be the last.
   */
  synchronized long append(byte[] line) throws IOException {
    if (channel == null) {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      length = channel.size();
    }
    ByteBuffer bytes = ByteBuffer.wrap(line);
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      try {
        channel.truncate(length);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    length += line.length;
    return ++appended;
  }

  /**
   * Returns once the line with {@code ticket} is on disk: after an fsync that started after it was
   * appended, or after {@link #replaced()}.
   *
   * @throws IOException if the fsync meant to cover it failed
   */
  void awaitDurable(long ticket) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        FileChannel leading;
        long target;
        synchronized (this) {
          while (syncing && durable < ticket && ticket > failedUpTo) {
            interrupted |= waitForSync();
          }
          if (durable >= ticket) {
            return;
          }
          if (ticket <= failedUpTo) {
            throw new IOException("fsync failed: " + failure.getMessage(), failure);
          }
          if (channel == null) {
            throw new IOException(
                "the journal " + file + " was closed before the line was on disk");
          }
          syncing = true;
          leading = channel;
          target = appended;
        }
        sync(leading, target);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs one fsync as the leader, outside the lock, and tells the waiters how it went. */
  private void sync(FileChannel leading, long target) {
    IOException failed = null;
    try {
      leading.force(false);
    } catch (IOException e) {
      failed = e;
    }
    synchronized (this) {
      syncing = false;
      if (failed == null) {
        durable = Math.max(durable, target);
      } else {
        failedUpTo = Math.max(failedUpTo, target);
        failure = failed;
      }
      notifyAll();
    }
  }

  /**
   * The journal's lines are now all in a durable snapshot: waits for an fsync in progress, then
   * closes and deletes the file; every line appended so far counts as durable.
   */
  synchronized void replaced() throws IOException {
    awaitNoSync();
    closeChannel();
    Files.deleteIfExists(file);
    durable = appended;
    notifyAll();
  }

  @Override
  public synchronized void close() throws IOException {
    awaitNoSync();
    closeChannel();
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      FileChannel c = channel;
      channel = null;
      c.close();
    }
  }

  /** Waits (holding the lock) until no fsync runs; an interrupt is kept for the caller. */
  private void awaitNoSync() {
    boolean interrupted = false;
    while (syncing) {
      interrupted |= waitForSync();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits once for a change (the fsync in progress takes milliseconds); true if interrupted. The
   * interrupt is not acted on: the certificate waiting for this line is already signed, and failing
   * it now would only waste it.
   */
  // Both callers loop on their own condition around this; the check cannot see that.
  @SuppressWarnings("WaitNotInLoop")
  private boolean waitForSync() {
    try {
      wait();
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }
}
