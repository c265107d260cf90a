package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * A {@link Duration} KubeEdge writes as a whole number of one unit ({@code keepaliveInterval: 30}
 * seconds, {@code tokenRefreshDuration: 12} hours, {@code edgeCertSigningDuration: 365} days),
 * greater than 0. Absent is null: the record's default applies.
 */
public abstract class WholeUnits extends StdScalarDeserializer<Duration> {
  private static final long serialVersionUID = 1L;

  private final ChronoUnit unit;

  WholeUnits(ChronoUnit unit) {
    super(Duration.class);
    this.unit = unit;
  }

  @Override
  public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    Integer n = ctxt.readValue(p, Integer.class);
    if (n == null) {
      return null;
    }
    if (n <= 0) {
      throw new InvalidValue(p, "must be greater than 0, was " + n);
    }
    return Duration.of(n, unit);
  }

  /** Whole seconds. */
  public static final class Seconds extends WholeUnits {
    private static final long serialVersionUID = 1L;

    public Seconds() {
      super(ChronoUnit.SECONDS);
    }
  }

  /** Whole hours. */
  public static final class Hours extends WholeUnits {
    private static final long serialVersionUID = 1L;

    public Hours() {
      super(ChronoUnit.HOURS);
    }
  }

  /** Whole days. */
  public static final class Days extends WholeUnits {
    private static final long serialVersionUID = 1L;

    public Days() {
      super(ChronoUnit.DAYS);
    }
  }
}
