package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A value in a configuration file a deserializer here refused. The message is what is wrong with
 * it, without the key ("must be a port from 0 to 65535, was 70000"): {@link YamlConfig} knows the
 * full dotted key and puts it in front.
 */
public final class InvalidValue extends JsonMappingException {
  private static final long serialVersionUID = 1L;

  public InvalidValue(JsonParser parser, String whatIsWrong) {
    super(parser, whatIsWrong);
  }
}
