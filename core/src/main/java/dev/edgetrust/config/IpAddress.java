package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;

/**
 * IP addresses in configuration files: literals only, never a name to look up (a listener address
 * or a certificate's IP SAN must not depend on DNS at start).
 */
public final class IpAddress {
  private IpAddress() {}

  public static boolean isLiteral(String s) {
    return NetUtil.isValidIpV4Address(s) || NetUtil.isValidIpV6Address(s);
  }

  private static String literal(JsonParser p, String text, String hint) throws InvalidValue {
    String t = text.strip();
    if (!isLiteral(t)) {
      throw new InvalidValue(
          p,
          "'"
              + dev.edgetrust.text.UntrustedText.printable(t, 80)
              + "' is not an IP address"
              + hint);
    }
    return t;
  }

  /** An {@link InetAddress} from a literal. Blank is absent. */
  public static class Deserializer extends StdScalarDeserializer<InetAddress> {
    private static final long serialVersionUID = 1L;

    public Deserializer() {
      super(InetAddress.class);
    }

    /** Appended to the refusal: what to write instead, where a key has a better place for names. */
    protected String hint() {
      return "";
    }

    @Override
    public InetAddress deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = _parseString(p, ctxt, this);
      if (text == null || text.isBlank()) {
        return null;
      }
      // A literal: no name service is asked.
      return InetAddress.getByAddress(
          NetUtil.createByteArrayFromIpAddressString(literal(p, text, hint())));
    }
  }

  /**
   * A listen address kept as written ({@code 0.0.0.0}, {@code ::}), checked to be a literal. Blank
   * is absent.
   */
  public static final class LiteralDeserializer extends StdScalarDeserializer<String> {
    private static final long serialVersionUID = 1L;

    public LiteralDeserializer() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = _parseString(p, ctxt, this);
      return text == null || text.isBlank() ? null : literal(p, text, "");
    }
  }
}
