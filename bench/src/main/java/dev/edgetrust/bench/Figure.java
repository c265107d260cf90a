package dev.edgetrust.bench;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One measured number.
 *
 * @param key stable machine name, e.g. {@code cloudhub.handshakes_per_second}
 * @param label what a reader sees
 * @param unit {@code /s}, {@code KB}, {@code MB}, {@code %}, {@code ms}, or empty
 * @param target what it should reach, if the issue sets a target for it
 */
public record Figure(String key, String label, double value, String unit, Optional<Target> target) {
  public Figure {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(target, "target");
  }

  public static Figure of(String key, String label, double value, String unit) {
    return new Figure(key, label, value, unit, Optional.empty());
  }

  public Figure withTarget(Target t) {
    return new Figure(key, label, value, unit, Optional.of(t));
  }

  public Optional<Boolean> met() {
    return target.map(t -> t.metBy(value));
  }

  /** A number as people read it: no more digits than it is worth. */
  public static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a == Math.rint(a) && a < 1e12) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
