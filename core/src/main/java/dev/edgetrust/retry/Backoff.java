package dev.edgetrust.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter, as an immutable policy: the wait before retry number
 * {@code n} (counting from 0) is drawn at random below the ceiling {@code min(cap, base * 2^n)}.
 * Exponential so a struggling server is not hammered, capped so its recovery is noticed soon,
 * jittered so a fleet that lost the server at the same moment does not come back at the same
 * moment.
 *
 * <p>Per-use state (how many retries so far) lives in a {@link Retries} from {@link
 * #start(RandomGenerator)}; a caller that counts its failures itself uses {@link #delay}.
 *
 * <p>A retry that serves a credential with an end (a certificate's {@code notAfter}, a token's
 * lease) is also held to that deadline by {@link #beforeDeadline}: a capped backoff alone happily
 * sleeps a minute while the certificate has 17 s left, and a fixed request timeout can be longer
 * than what is left of a short certificate's life.
 */
public final class Backoff {
  /** How the wait is drawn below the ceiling {@code d}. */
  public enum Jitter {
    /** Uniform in {@code [0, d]}: the widest spread (the edge's reconnects and renewals). */
    FULL,
    /** Uniform in {@code [d/2, d]}: a spread with a floor, when waiting too little is wasteful. */
    EQUAL
  }

  /**
   * The shortest request timeout {@link #beforeDeadline} shrinks to: a try given less is hardly a
   * try (a TLS handshake alone takes a few round trips).
   */
  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  // Beyond 2^62 the cap has long been reached; stop shifting before it overflows.
  private static final int MAX_SHIFT = 62;

  private final long baseNanos;
  private final long capNanos;
  private final Jitter jitter;

  /**
   * @throws IllegalArgumentException unless {@code 0 <= base <= cap}
   */
  public Backoff(Duration base, Duration cap, Jitter jitter) {
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    if (base.isNegative() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= base <= cap, was base " + base + ", cap " + cap);
    }
    this.baseNanos = base.toNanos();
    this.capNanos = cap.toNanos();
  }

  public Duration base() {
    return Duration.ofNanos(baseNanos);
  }

  public Duration cap() {
    return Duration.ofNanos(capNanos);
  }

  /** The upper bound of the wait before retry number {@code retry} (0-based). */
  public Duration ceiling(int retry) {
    if (retry < 0) {
      throw new IllegalArgumentException("retries count from 0, was " + retry);
    }
    if (baseNanos == 0) {
      return Duration.ZERO;
    }
    long ceiling = capNanos;
    if (retry < MAX_SHIFT && baseNanos <= capNanos >> retry) {
      ceiling = baseNanos << retry;
    }
    return Duration.ofNanos(Math.min(capNanos, ceiling));
  }

  /** The jittered wait before retry number {@code retry} (0-based). */
  public Duration delay(int retry, RandomGenerator random) {
    long ceiling = ceiling(retry).toNanos();
    long floor = jitter == Jitter.FULL ? 0 : ceiling / 2;
    return Duration.ofNanos(floor + random.nextLong(ceiling - floor + 1));
  }

  /** A fresh count of retries under this policy, for one retry loop. */
  public Retries start(RandomGenerator random) {
    return new Retries(this, random);
  }

  /**
   * One try planned against a deadline: start it after {@code delay}, give it at most {@code
   * timeout}; {@link #at} is when it starts, for log lines that name a time rather than promise a
   * wait that a slow caller may already have spent.
   */
  public record Attempt(Duration delay, Duration timeout, Instant at) {
    public Attempt {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * Fits the next try before {@code deadline}. While more than two full {@code timeout}s are left
   * the timeout stands; nearer the deadline the try gets half of what is left (never less than
   * {@link #MIN_TIMEOUT}), so that a try that times out still leaves time for another. The wait is
   * cut to half of the slack (what is left after the try's timeout), so tries that fail fast close
   * in on the deadline geometrically instead of sleeping through it; with under a second of slack
   * the one last try starts when it must. Once not even {@link #MIN_TIMEOUT} is left, no try fits
   * and the plain wait and timeout stand: the caller does whatever it does with an expired
   * credential.
   *
   * @param wait what the backoff drew (or a server's {@code Retry-After}, which the deadline
   *     overrides: being early to a busy server is better than letting a credential lapse)
   * @param timeout the unhurried per-try timeout
   */
  public static Attempt beforeDeadline(
      Duration wait, Duration timeout, Instant now, Instant deadline) {
    Duration left = Duration.between(now, deadline);
    Duration floor = min(timeout, MIN_TIMEOUT);
    if (left.compareTo(floor) <= 0) {
      return new Attempt(wait, timeout, now.plus(wait));
    }
    Duration half = min(timeout, left.dividedBy(2));
    Duration tryTimeout = half.compareTo(floor) < 0 ? floor : half;
    Duration slack = left.minus(tryTimeout);
    Duration latest = slack.compareTo(MIN_TIMEOUT) < 0 ? slack : slack.dividedBy(2);
    Duration delay = min(wait, latest);
    return new Attempt(delay, tryTimeout, now.plus(delay));
  }

  /**
   * The latest moment to start the first of {@code tries} full-timeout tries that must all end
   * before {@code deadline}: where a renewal is planned at the latest, so that a slow PKI (each try
   * taking most of its timeout) still gets its chances before the credential expires.
   */
  public static Instant latestStart(Instant deadline, Duration timeout, int tries) {
    if (tries < 1) {
      throw new IllegalArgumentException("need at least one try, was " + tries);
    }
    return deadline.minus(timeout.multipliedBy(tries));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public String toString() {
    return "Backoff[" + base() + " doubling to " + cap() + ", " + jitter + " jitter]";
  }

  /** One retry loop's state. Not thread-safe: each loop owns one. */
  public static final class Retries {
    private final Backoff policy;
    private final RandomGenerator random;
    private int retries;

    private Retries(Backoff policy, RandomGenerator random) {
      this.policy = policy;
      this.random = Objects.requireNonNull(random, "random");
    }

    /** How long to wait before the next retry; each call counts one more failure. */
    public Duration next() {
      Duration wait = policy.delay(retries, random);
      if (retries < Integer.MAX_VALUE) {
        retries++;
      }
      return wait;
    }

    /**
     * Like {@link #next()}, but not sooner than {@code notBefore} (a server's {@code Retry-After}),
     * which is itself held to the cap: a server cannot park a client for longer than the backoff
     * would at its slowest.
     */
    public Duration next(Optional<Duration> notBefore) {
      Duration jittered = next();
      if (notBefore.isEmpty()) {
        return jittered;
      }
      Duration floor = notBefore.get().isNegative() ? Duration.ZERO : notBefore.get();
      floor = floor.compareTo(policy.cap()) > 0 ? policy.cap() : floor;
      return floor.compareTo(jittered) > 0 ? floor : jittered;
    }

    /**
     * {@link #next(Optional)}, fitted before {@code deadline} by {@link Backoff#beforeDeadline}.
     */
    public Attempt next(
        Optional<Duration> notBefore, Duration timeout, Instant now, Instant deadline) {
      return beforeDeadline(next(notBefore), timeout, now, deadline);
    }

    /** After a success: the next failure waits at most {@code base} again. */
    public void reset() {
      retries = 0;
    }

    /** Failures counted since the start or the last {@link #reset()}. */
    public int retries() {
      return retries;
    }
  }
}
