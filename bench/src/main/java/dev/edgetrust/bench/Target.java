package dev.edgetrust.bench;

/**
 * What a figure should reach: at least or at most {@code limit}. A target is reported as met or
 * missed; it never makes a run fail.
 */
public record Target(Bound bound, double limit) {
  public enum Bound {
    AT_LEAST("≥"),
    AT_MOST("≤");

    private final String symbol;

    Bound(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  public Target {
    if (bound == null || Double.isNaN(limit)) {
      throw new IllegalArgumentException("a target needs a bound and a limit");
    }
  }

  public static Target atLeast(double limit) {
    return new Target(Bound.AT_LEAST, limit);
  }

  public static Target atMost(double limit) {
    return new Target(Bound.AT_MOST, limit);
  }

  public boolean metBy(double value) {
    return bound == Bound.AT_LEAST ? value >= limit : value <= limit;
  }

  @Override
  public String toString() {
    return bound.symbol + " " + Figure.format(limit);
  }
}
