package dev.edgetrust.bench;

import java.util.Objects;
import java.util.Optional;

/**
 * A figure against its baseline from the same run: {@code ratio = measured / baseline}. The ratio
 * is what holds on a noisy machine; the absolute numbers are context.
 *
 * @param target what the ratio should reach, if the issue sets one
 */
public record Comparison(
    String key, String label, Figure measured, Figure baseline, Optional<Target> target) {
  public Comparison {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(measured, "measured");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(target, "target");
  }

  public static Comparison of(String key, String label, Figure measured, Figure baseline) {
    return new Comparison(key, label, measured, baseline, Optional.empty());
  }

  public Comparison withTarget(Target t) {
    return new Comparison(key, label, measured, baseline, Optional.of(t));
  }

  /** NaN when the baseline is zero or missing. */
  public double ratio() {
    return baseline.value() == 0 ? Double.NaN : measured.value() / baseline.value();
  }

  public Optional<Boolean> met() {
    double r = ratio();
    return Double.isNaN(r) ? target.map(t -> false) : target.map(t -> t.metBy(r));
  }
}
