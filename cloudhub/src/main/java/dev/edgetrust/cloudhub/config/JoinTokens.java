package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import dev.edgetrust.config.InvalidValue;
import java.io.IOException;

/**
 * Which join tokens enroll a node at {@code /edge.crt} ({@code modules.cloudHub.joinTokens}).
 * Either way a token never takes over a name that holds a valid certificate or a live session.
 */
@JsonDeserialize(using = JoinTokens.Deserializer.class)
public enum JoinTokens {
  /**
   * KubeEdge's shared tokens and node-bound ones (the default: an existing fleet keeps enrolling
   * with {@code keadm gettoken}-style tokens).
   */
  SHARED("shared"),
  /** Node-bound tokens only: one name, one use. A shared token is refused. */
  NODE_BOUND("nodeBound");

  private static final String EXPECTED = "must be shared or nodeBound, was '";

  private final String configValue;

  JoinTokens(String configValue) {
    this.configValue = configValue;
  }

  /** As written in {@code cloudcore.yaml}. */
  public String configValue() {
    return configValue;
  }

  /** From {@code cloudcore.yaml}, case-insensitively as KubeEdge matches keys. */
  public static JoinTokens parse(String value) {
    return find(value)
        .orElseThrow(
            () ->
                new IllegalArgumentException("'joinTokens' " + EXPECTED + printable(value) + "'"));
  }

  private static java.util.Optional<JoinTokens> find(String value) {
    for (JoinTokens t : values()) {
      if (t.configValue.equalsIgnoreCase(value.strip())) {
        return java.util.Optional.of(t);
      }
    }
    return java.util.Optional.empty();
  }

  private static String printable(String value) {
    return dev.edgetrust.text.UntrustedText.printable(value, 40);
  }

  /** Binds {@code joinTokens}; blank is absent (shared). */
  static final class Deserializer extends StdScalarDeserializer<JoinTokens> {
    private static final long serialVersionUID = 1L;

    Deserializer() {
      super(JoinTokens.class);
    }

    @Override
    public JoinTokens deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = _parseString(p, ctxt, this);
      if (text == null || text.isBlank()) {
        return null;
      }
      return find(text).orElseThrow(() -> new InvalidValue(p, EXPECTED + printable(text) + "'"));
    }
  }
}
