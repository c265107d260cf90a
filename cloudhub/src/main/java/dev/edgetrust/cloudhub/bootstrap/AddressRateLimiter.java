package dev.edgetrust.cloudhub.bootstrap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A token bucket per remote address: each address may make {@code burst} requests at once and
 * {@code perSecond} a second after that. Shared by every bootstrap connection.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} buckets are kept, least recently used first
 * out. Dropping a bucket forgets nothing that matters once it has been idle long enough to be full
 * again ({@code burst / perSecond} seconds), and that is the bucket an idle address has. An
 * attacker with more addresses than the cap gets fresh buckets by cycling through them; the cap is
 * about memory, the per-address rate about one source, and neither replaces a firewall.
 *
 * <p>IPv6 addresses are counted per /64: one host commonly holds a whole /64 and can pick a new
 * address from it for every request.
 *
 * <p>A refusal is an HTTP 429 with {@code Retry-After}, which costs the CloudHub a full TLS
 * handshake to say. An address that keeps coming back while it still has no token has ignored
 * {@code burst} of those answers; until a token is back, {@link #ignoresRefusals} tells the
 * listener to close its new connections before the handshake. A client that waits as told never
 * gets there.
 */
public final class AddressRateLimiter {
  private final double perNano;
  private final double burst;
  private final int maxAddresses;
  private final LongSupplier nanoTime;
  private final Map<Key, Bucket> buckets;

  /** The answer to one request: allowed, or refused with how long until a token is back. */
  public record Decision(boolean allowed, Duration retryAfter) {
    static final Decision ALLOW = new Decision(true, Duration.ZERO);
  }

  /**
   * @param perSecond sustained requests a second per address, above 0
   * @param burst requests an address may make at once, at least 1
   * @param maxAddresses how many addresses are tracked at most, at least 1
   * @param nanoTime the clock ({@link System#nanoTime} outside tests)
   */
  public AddressRateLimiter(double perSecond, int burst, int maxAddresses, LongSupplier nanoTime) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("perSecond must be a positive number, was " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses must be at least 1, was " + maxAddresses);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxAddresses = maxAddresses;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    // Access order: the eldest entry is the address heard from least recently.
    this.buckets =
        new LinkedHashMap<>(Math.min(maxAddresses, 1024), 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Bucket> eldest) {
            return size() > AddressRateLimiter.this.maxAddresses;
          }
        };
  }

  /** Takes one token for {@code remote}'s address, if it has one. */
  public synchronized Decision acquire(SocketAddress remote) {
    long now = nanoTime.getAsLong();
    Key key = Key.of(remote);
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      bucket = new Bucket(burst, now);
      buckets.put(key, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.refilledAt) * perNano);
      bucket.refilledAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.refusedWhileEmpty = 0;
      return Decision.ALLOW;
    }
    bucket.refusedWhileEmpty++;
    long nanosToNextToken = (long) Math.ceil((1 - bucket.tokens) / perNano);
    return new Decision(false, Duration.ofNanos(nanosToNextToken));
  }

  /**
   * Whether {@code remote}'s address has been refused {@code burst} times since it last had a token
   * and still has none: its new connections are not worth a TLS handshake. Takes no token.
   */
  public synchronized boolean ignoresRefusals(SocketAddress remote) {
    Bucket bucket = buckets.get(Key.of(remote));
    if (bucket == null || bucket.refusedWhileEmpty < burst) {
      return false;
    }
    long now = nanoTime.getAsLong();
    return bucket.tokens + (now - bucket.refilledAt) * perNano < 1;
  }

  /** How many addresses are tracked now (never more than {@code maxAddresses}). */
  public synchronized int trackedAddresses() {
    return buckets.size();
  }

  private static final class Bucket {
    double tokens;
    long refilledAt;

    /** 429s answered since the address last got a token. */
    int refusedWhileEmpty;

    Bucket(double tokens, long refilledAt) {
      this.tokens = tokens;
      this.refilledAt = refilledAt;
    }
  }

  /** An IPv4 address, an IPv6 /64, or (for non-IP channels, in tests) the address's text. */
  private record Key(byte[] bytes, String other) {
    static Key of(SocketAddress remote) {
      if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
        InetAddress address = inet.getAddress();
        byte[] raw = address.getAddress();
        return new Key(address instanceof Inet6Address ? Arrays.copyOf(raw, 8) : raw, null);
      }
      return new Key(null, String.valueOf(remote));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes) && Objects.equals(other, k.other);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes) * 31 + Objects.hashCode(other);
    }
  }
}
