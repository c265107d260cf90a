package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;

/**
 * A {@link Duration} written as Go writes one ({@code 90s}, {@code 1h30m}: {@link GoDuration}), as
 * KubeEdge's and Vault's configuration do. Blank is absent (the record's default applies). Zero is
 * read as zero: whether it may be is the record's to say.
 */
public final class GoDurationDeserializer extends StdScalarDeserializer<Duration> {
  private static final long serialVersionUID = 1L;

  public GoDurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!p.currentToken().isScalarValue() || p.currentToken() == JsonToken.VALUE_NULL) {
      return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
    }
    String text = p.getValueAsString();
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidValue(p, e.getMessage());
    }
  }
}
