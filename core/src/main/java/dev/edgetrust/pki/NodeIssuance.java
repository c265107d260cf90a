package dev.edgetrust.pki;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node gets certificates from a PKI it asks itself, as its EdgeHub's issuer needs it: the
 * provider that signs the node's CSRs and the few ways PKIs differ in. Made by {@link
 * EdgePki#start()}; immutable. Closing {@link #provider()} stops everything the PKI started for the
 * node.
 */
public final class NodeIssuance {
  /** Where a certificate's lifetime starts, for picking its renewal time. */
  public enum LifetimeStart {
    /** At notBefore, as issued. */
    NOT_BEFORE,
    /**
     * At the later of notBefore and notAfter minus the lifetime asked for: for a PKI that backdates
     * notBefore for clock skew (Vault, by 30 s), which for a 20 s certificate would put the whole
     * renewal window in the past.
     */
    NOT_AFTER_MINUS_TTL
  }

  private final PkiProvider provider;
  private final Duration ttl;
  private final LifetimeStart lifetimeStart;
  private final boolean mayRecover;
  private final Duration refusalRetry;

  private NodeIssuance(Builder b) {
    this.provider = Objects.requireNonNull(b.provider, "provider");
    this.ttl = Objects.requireNonNull(b.ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    this.lifetimeStart = Objects.requireNonNull(b.lifetimeStart, "lifetimeStart");
    this.mayRecover = b.mayRecover;
    this.refusalRetry = Objects.requireNonNull(b.refusalRetry, "refusalRetry");
    if (refusalRetry.isNegative() || refusalRetry.isZero()) {
      throw new IllegalArgumentException("refusalRetry must be positive, was " + refusalRetry);
    }
  }

  /**
   * @param provider signs the node's CSRs (its credential authorizes them)
   * @param ttl the certificate lifetime to ask for; the PKI may shorten it
   */
  public static Builder builder(PkiProvider provider, Duration ttl) {
    return new Builder(provider, ttl);
  }

  public PkiProvider provider() {
    return provider;
  }

  public Duration ttl() {
    return ttl;
  }

  public LifetimeStart lifetimeStart() {
    return lifetimeStart;
  }

  /**
   * Whether a refusal may go away without a restart (the credential is read from a file an operator
   * can replace), so that the EdgeHub keeps trying instead of stopping at start.
   */
  public boolean mayRecover() {
    return mayRecover;
  }

  /** How often to ask again after a refusal. */
  public Duration refusalRetry() {
    return refusalRetry;
  }

  @Override
  public String toString() {
    return "NodeIssuance["
        + provider
        + ", ttl "
        + ttl
        + ", "
        + lifetimeStart
        + ", mayRecover "
        + mayRecover
        + ", refusalRetry "
        + refusalRetry
        + "]";
  }

  public static final class Builder {
    private final PkiProvider provider;
    private final Duration ttl;
    private LifetimeStart lifetimeStart = LifetimeStart.NOT_BEFORE;
    private boolean mayRecover;
    private Duration refusalRetry = Duration.ofMinutes(1);

    private Builder(PkiProvider provider, Duration ttl) {
      this.provider = provider;
      this.ttl = ttl;
    }

    /** {@link LifetimeStart#NOT_BEFORE} unless set. */
    public Builder lifetimeStart(LifetimeStart start) {
      this.lifetimeStart = start;
      return this;
    }

    /** False unless set. */
    public Builder mayRecover(boolean may) {
      this.mayRecover = may;
      return this;
    }

    /** One minute unless set. */
    public Builder refusalRetry(Duration retry) {
      this.refusalRetry = retry;
      return this;
    }

    public NodeIssuance build() {
      return new NodeIssuance(this);
    }
  }
}
