package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/** A TCP port, 0 (any free one) to 65535. Absent is null: the record's default applies. */
public final class PortDeserializer extends StdScalarDeserializer<Integer> {
  private static final long serialVersionUID = 1L;

  public PortDeserializer() {
    super(Integer.class);
  }

  @Override
  public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    Integer port = ctxt.readValue(p, Integer.class);
    if (port != null && (port < 0 || port > 65535)) {
      throw new InvalidValue(p, "must be a port from 0 to 65535, was " + port);
    }
    return port;
  }
}
