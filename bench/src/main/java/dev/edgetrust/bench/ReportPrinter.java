package dev.edgetrust.bench;

import java.io.PrintStream;
import java.util.Locale;

/** The tables people read: one per scenario, figures then ratios, then what limits them. */
public final class ReportPrinter {
  private final PrintStream out;

  public ReportPrinter(PrintStream out) {
    this.out = out;
  }

  public void machine(Machine m) {
    out.printf(
        Locale.ROOT,
        "edgetrust bench on %d cores, %,d MiB, %s, %s, GC %s, load average %.2f%n%n",
        m.processors(),
        m.memoryMib(),
        m.java(),
        m.os(),
        m.gc(),
        m.loadAverage());
    out.flush();
  }

  public void start(Scenario s) {
    out.println("== " + s.name() + ": " + s.description());
    out.flush();
  }

  public void result(ScenarioResult r) {
    if (r.status() != ScenarioResult.Status.MEASURED) {
      out.println("  " + r.status() + ": " + String.join("; ", r.notes()));
      out.println();
      out.flush();
      return;
    }
    out.println("  load: " + r.load());
    String figureRow = "  %-62s %14s %-4s %s%n";
    for (Figure f : r.figures()) {
      out.printf(
          Locale.ROOT,
          figureRow,
          f.label(),
          Figure.format(f.value()),
          f.unit(),
          f.target()
              .map(
                  t ->
                      "target "
                          + t
                          + " "
                          + f.unit()
                          + ": "
                          + (f.met().orElse(false) ? "met" : "MISSED"))
              .orElse(""));
    }
    if (!r.comparisons().isEmpty()) {
      String ratioRow = "  %-62s %14s %12s %7s %s%n";
      out.printf(Locale.ROOT, ratioRow, "ratio", "measured", "baseline", "ratio", "");
      for (Comparison c : r.comparisons()) {
        out.printf(
            Locale.ROOT,
            ratioRow,
            c.label(),
            Figure.format(c.measured().value()),
            Figure.format(c.baseline().value()),
            Figure.format(c.ratio()),
            c.target()
                .map(t -> "target " + t + ": " + (c.met().orElse(false) ? "met" : "MISSED"))
                .orElse(""));
      }
    }
    for (String note : r.notes()) {
      out.println("  - " + note);
    }
    out.printf(Locale.ROOT, "  (%.1f s)%n%n", r.took().toMillis() / 1000.0);
    out.flush();
  }
}
