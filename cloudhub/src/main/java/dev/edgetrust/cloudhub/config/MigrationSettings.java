package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import dev.edgetrust.config.InvalidValue;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * edgetrust: {@code migration: {enable, until}} (off by default). Migration from cloudcore: node
 * certificates cloudcore issued (same CA, no node in them) are admitted, each bound to its node on
 * first use, and cloudcore's join tokens enroll, until {@code until} (a date, {@code 2027-03-01},
 * meaning its start in UTC, or an instant, {@code 2027-03-01T12:00:00Z}). {@code until} is required
 * when enabled: a migration that never ends would leave unbound certificates admitted for good.
 * {@link CloudHubSettings#migration()} holds it only when on.
 */
public record MigrationSettings(
    Boolean enable, @JsonDeserialize(using = MigrationSettings.Until.class) Instant until) {
  public MigrationSettings {
    enable = enable != null && enable;
    if (enable && until == null) {
      throw new IllegalArgumentException(
          "'until' is required when 'enable' is true: the date after which"
              + " cloudcore's node certificates are refused, e.g. until: 2027-03-01");
    }
  }

  /** On until {@code until}. */
  public static MigrationSettings until(Instant until) {
    return new MigrationSettings(true, until);
  }

  /** A date (its start in UTC) or an instant. Blank is absent. */
  static final class Until extends StdScalarDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    Until() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = _parseString(p, ctxt, this);
      if (text == null || text.isBlank()) {
        return null;
      }
      String t = text.strip();
      try {
        return t.contains("T")
            ? Instant.parse(t)
            : LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new InvalidValue(
            p,
            "is '"
                + dev.edgetrust.text.UntrustedText.printable(t, 40)
                + "', not a date (2027-03-01) or an instant (2027-03-01T12:00:00Z)");
      }
    }
  }
}
