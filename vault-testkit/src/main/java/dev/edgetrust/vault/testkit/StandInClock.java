package dev.edgetrust.vault.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stand-in's clock: real time plus an offset that tests move forward, so that token TTLs,
 * expiry and certificate validity can be crossed without waiting. Certificates the stand-in issues
 * are dated by this clock too, as a real Vault dates them by its own.
 */
public final class StandInClock extends Clock {
  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  public StandInClock() {
    this(Clock.systemUTC());
  }

  public StandInClock(Clock base) {
    this.base = base;
  }

  /** Moves the clock forward by {@code d}. */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("the stand-in's clock only moves forward");
    }
    offset.updateAndGet(o -> o.plus(d));
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the stand-in's clock is UTC");
  }
}
