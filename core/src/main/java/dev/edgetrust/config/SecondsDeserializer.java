package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;

/**
 * A duration KubeEdge writes as a whole number of seconds ({@code heartbeat: 15}, an {@code int32}
 * in its Go structs), bound straight to a {@link Duration}. Anything but a whole number is refused
 * as an {@code int} key is ("must be a whole number"); the range is the receiving type's to check.
 */
public final class SecondsDeserializer extends StdScalarDeserializer<Duration> {
  private static final long serialVersionUID = 1L;

  public SecondsDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    return Duration.ofSeconds(ctxt.readValue(p, int.class));
  }
}
