package dev.edgetrust.pki.vault.auth;

import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.RetryPolicy;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.retry.Backoff;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a renewable token alive: looks it up at start (logging its accessor, TTL and policies),
 * then calls {@code renew-self} whenever two thirds of its current lease have passed, as Vault
 * Agent does. Between renewals it looks the token up every {@code recheck} (a minute is plenty), so
 * a revoked token, or a new token written to the token file, is noticed soon.
 *
 * <p>When Vault cannot be reached it retries with capped backoff. When the token is expired or
 * revoked it logs one actionable error (not one per attempt) and keeps looking every {@code
 * recheck}, so a token an operator writes to the token file is picked up without a restart. It
 * never stops the process: the node keeps its certificate meanwhile.
 */
public final class TokenRenewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TokenRenewer.class);

  /**
   * What one look-up or renewal may take (a Vault request with its retries), for holding retries to
   * the token's end: the last try is planned to end before the lease does.
   */
  static final Duration TRY_TIMEOUT = Duration.ofSeconds(5);

  private final VaultTokens tokens;
  private final VaultCredential credential;
  private final Optional<Duration> increment;
  private final RetryPolicy backoff;
  private final Duration recheck;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final RandomGenerator random = new SecureRandom();
  private final AtomicInteger renewals = new AtomicInteger();

  private volatile Optional<TokenInfo> current = Optional.empty();
  private volatile Optional<String> problem = Optional.empty();
  private volatile ScheduledFuture<?> next;
  private volatile boolean closed;
  private int failures;
  private String lastAccessor = "";
  private long renewAtNanos;

  /** When the lease last seen ends, in {@link System#nanoTime()}; empty: it does not expire. */
  private Optional<Long> expiresAtNanos = Optional.empty();

  /**
   * @param increment what to ask {@code renew-self} for; empty asks for the token's original TTL
   * @param backoff delays between attempts while Vault is unreachable
   * @param recheck how often to look again at a token that cannot be renewed (expired, revoked, or
   *     not renewable), so that a replaced token file is noticed
   * @param scheduler where to run; null for a private daemon thread that {@link #close()} stops
   */
  public TokenRenewer(
      VaultTokens tokens,
      VaultCredential credential,
      Optional<Duration> increment,
      RetryPolicy backoff,
      Duration recheck,
      ScheduledExecutorService scheduler) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.credential = Objects.requireNonNull(credential, "credential");
    this.increment = Objects.requireNonNull(increment, "increment");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    if (recheck.isNegative() || recheck.isZero()) {
      throw new IllegalArgumentException("recheck must be positive, was " + recheck);
    }
    this.recheck = recheck;
    this.ownsScheduler = scheduler == null;
    this.scheduler =
        scheduler != null
            ? scheduler
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "vault-token-renewer");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** When to renew a lease of {@code ttl}: after two thirds of it. */
  public static Duration renewDelay(Duration ttl) {
    return ttl.isNegative() ? Duration.ZERO : ttl.multipliedBy(2).dividedBy(3);
  }

  /** Looks the token up now, then keeps it renewed. */
  public TokenRenewer start() {
    schedule(this::lookUp, Duration.ZERO);
    return this;
  }

  /** The token as last seen or renewed. */
  public Optional<TokenInfo> current() {
    return current;
  }

  /** The last failure's message while the token is not healthy; empty when it is. */
  public Optional<String> problem() {
    return problem;
  }

  /** How many renewals succeeded. */
  public int renewals() {
    return renewals.get();
  }

  private void lookUp() {
    try {
      TokenInfo info = tokens.lookupSelf(credential);
      healthy(info);
      if (!info.accessor().equals(lastAccessor)) {
        // A token not seen before (first start, or a replaced token file): its lease starts now.
        lastAccessor = info.accessor();
        renewAtNanos = System.nanoTime() + renewDelay(info.ttl()).toNanos();
        log.info("{}: {}", credential.description(), info);
      }
      plan(info);
    } catch (PkiException e) {
      failed(e, this::lookUp);
    } catch (RuntimeException e) {
      log.error("unexpected failure looking up the Vault token", e);
      schedule(this::lookUp, recheck);
    }
  }

  /**
   * Renews when two thirds of the lease have passed; until then looks the token up every {@code
   * recheck}, so a revoked token or a replaced token file is noticed without waiting for renewal.
   */
  private void plan(TokenInfo info) {
    if (!info.renewable() || !info.expires()) {
      schedule(this::lookUp, recheck);
      return;
    }
    long wait = renewAtNanos - System.nanoTime();
    if (wait <= recheck.toNanos()) {
      schedule(this::renew, Duration.ofNanos(Math.max(0, wait)));
    } else {
      schedule(this::lookUp, recheck);
    }
  }

  private void renew() {
    try {
      VaultTokens.Renewal renewal = tokens.renewSelf(credential, increment);
      TokenInfo info = renewal.token();
      renewals.incrementAndGet();
      healthy(info);
      if (!info.accessor().isEmpty() && !info.accessor().equals(lastAccessor)) {
        lastAccessor = info.accessor();
      }
      renewAtNanos = System.nanoTime() + renewDelay(info.ttl()).toNanos();
      log.info("renewed Vault token accessor {}: lease {}", info.accessor(), info.ttl());
      renewal
          .warnings()
          .forEach(w -> log.warn("Vault, renewing token accessor {}: {}", info.accessor(), w));
      if (renewal.warnings().stream().anyMatch(w -> w.contains("max_ttl"))) {
        // Capped: this lease is the token's last. Say so now, not when renew-self answers 500.
        log.error(
            "Vault token accessor {} reaches its max TTL in {} and then cannot be renewed: give the"
                + " device a new token before then ({})",
            info.accessor(),
            info.ttl(),
            credential.remedy());
      }
      plan(info);
    } catch (PkiException e) {
      failed(e, e.isRetryable() ? this::renew : this::lookUp);
    } catch (RuntimeException e) {
      log.error("unexpected failure renewing the Vault token", e);
      schedule(this::lookUp, recheck);
    }
  }

  private void healthy(TokenInfo info) {
    current = Optional.of(info);
    expiresAtNanos =
        info.expires() ? Optional.of(System.nanoTime() + info.ttl().toNanos()) : Optional.empty();
    if (problem.isPresent()) {
      log.info("Vault token is usable again: {}", info);
    }
    problem = Optional.empty();
    failures = 0;
  }

  private void failed(PkiException e, Runnable retry) {
    String message = e.getMessage();
    if (!problem.equals(Optional.of(message))) {
      // One line per distinct problem, not one per attempt.
      if (e.isRetryable()) {
        log.warn("cannot renew the Vault token: {}", message);
      } else {
        log.error(message);
      }
    }
    problem = Optional.of(message);
    failures++;
    Duration delay = e.isRetryable() ? backoff.delay(Math.min(failures, 30), random) : recheck;
    delay = delay.compareTo(recheck) > 0 ? recheck : delay;
    schedule(retry, e.isRetryable() ? beforeTheLeaseEnds(delay, System.nanoTime()) : delay);
  }

  /**
   * {@code delay}, cut so that Vault away for a while does not make the renewer sleep past the last
   * moment a renewal could still save the token ({@link Backoff#beforeDeadline}).
   */
  Duration beforeTheLeaseEnds(Duration delay, long nowNanos) {
    if (expiresAtNanos.isEmpty()) {
      return delay;
    }
    // Monotonic time as instants: only differences matter to the planning.
    Instant now = Instant.EPOCH.plusNanos(nowNanos);
    Instant end = Instant.EPOCH.plusNanos(expiresAtNanos.get());
    return Backoff.beforeDeadline(delay, TRY_TIMEOUT, now, end).delay();
  }

  private synchronized void schedule(Runnable task, Duration delay) {
    if (closed) {
      return;
    }
    next = scheduler.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    closed = true;
    ScheduledFuture<?> n = next;
    if (n != null) {
      n.cancel(false);
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }
}
