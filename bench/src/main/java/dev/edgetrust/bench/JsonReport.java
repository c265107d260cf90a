package dev.edgetrust.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.credential.AtomicFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The machine-readable result of a run ({@code --json FILE}): the machine, then per scenario its
 * status, load, figures (key, value, unit, target, met) and comparisons (measured, baseline, ratio,
 * target, met). A NaN is written as null.
 */
public final class JsonReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static ObjectNode toJson(Bench.Report report) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode machine = root.putObject("machine");
    machine.put("processors", report.machine().processors());
    machine.put("memoryMib", report.machine().memoryMib());
    machine.put("java", report.machine().java());
    machine.put("os", report.machine().os());
    machine.put("gc", report.machine().gc());
    number(machine, "loadAverageBefore", report.machine().loadAverage());
    number(machine, "loadAverageAfter", report.loadAverageAfter());
    root.put("started", report.started().toString());
    ArrayNode scenarios = root.putArray("scenarios");
    for (ScenarioResult r : report.results()) {
      ObjectNode s = scenarios.addObject();
      s.put("name", r.scenario());
      s.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
      s.put("load", r.load());
      s.put("seconds", r.took().toMillis() / 1000.0);
      ArrayNode figures = s.putArray("figures");
      for (Figure f : r.figures()) {
        ObjectNode o = figures.addObject();
        o.put("key", f.key());
        o.put("label", f.label());
        number(o, "value", f.value());
        o.put("unit", f.unit());
        target(o, f.target(), f.met());
      }
      ArrayNode comparisons = s.putArray("comparisons");
      for (Comparison c : r.comparisons()) {
        ObjectNode o = comparisons.addObject();
        o.put("key", c.key());
        o.put("label", c.label());
        o.put("measuredKey", c.measured().key());
        number(o, "measured", c.measured().value());
        o.put("baselineKey", c.baseline().key());
        number(o, "baseline", c.baseline().value());
        number(o, "ratio", c.ratio());
        target(o, c.target(), c.met());
      }
      ArrayNode notes = s.putArray("notes");
      r.notes().forEach(notes::add);
    }
    return root;
  }

  public static void write(Path file, Bench.Report report) throws IOException {
    AtomicFile.writePublic(file, JSON.writeValueAsBytes(toJson(report)));
  }

  private static void number(ObjectNode o, String key, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  private static void target(ObjectNode o, Optional<Target> target, Optional<Boolean> met) {
    if (target.isPresent()) {
      o.put("target", target.get().toString());
      o.put("met", met.orElse(false));
    }
  }
}
