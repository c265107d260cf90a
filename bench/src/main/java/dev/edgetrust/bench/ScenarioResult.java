package dev.edgetrust.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one scenario reported.
 *
 * @param load where the client load came from (same JVM on its own event loops, or a separate JVM),
 *     said with every result because it bounds what the figures mean
 * @param notes what limits the figures, caveats, the configuration measured
 */
public record ScenarioResult(
    String scenario,
    Status status,
    String load,
    List<Figure> figures,
    List<Comparison> comparisons,
    List<String> notes,
    Duration took) {

  public enum Status {
    /** Ran and produced its figures. */
    MEASURED,
    /** Needs something this machine does not have (e.g. VAULT_ADDR). */
    SKIPPED,
    /** Its set-up failed; the notes say why. */
    FAILED
  }

  public ScenarioResult {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(load, "load");
    figures = List.copyOf(figures);
    comparisons = List.copyOf(comparisons);
    notes = List.copyOf(notes);
    Objects.requireNonNull(took, "took");
  }

  public static Builder measured(String scenario) {
    return new Builder(scenario, Status.MEASURED);
  }

  public static ScenarioResult failed(String scenario, String why, Duration took) {
    return new ScenarioResult(
        scenario, Status.FAILED, "none", List.of(), List.of(), List.of(why), took);
  }

  public ScenarioResult took(Duration d) {
    return new ScenarioResult(scenario, status, load, figures, comparisons, notes, d);
  }

  /** Collects a result as a scenario goes. */
  public static final class Builder {
    private final String scenario;
    private final Status status;
    private String load = "none";
    private final List<Figure> figures = new ArrayList<>();
    private final List<Comparison> comparisons = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Builder(String scenario, Status status) {
      this.scenario = scenario;
      this.status = status;
    }

    public Builder load(String where) {
      this.load = where;
      return this;
    }

    public Builder figure(Figure f) {
      figures.add(f);
      return this;
    }

    public Builder figure(String key, String label, double value, String unit) {
      return figure(Figure.of(key, label, value, unit));
    }

    public Builder comparison(Comparison c) {
      comparisons.add(c);
      return this;
    }

    public Builder note(String line) {
      notes.add(line);
      return this;
    }

    public ScenarioResult build() {
      return new ScenarioResult(scenario, status, load, figures, comparisons, notes, Duration.ZERO);
    }
  }
}
