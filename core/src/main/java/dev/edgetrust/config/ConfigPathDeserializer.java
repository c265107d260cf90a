package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A file named in a configuration file: a relative one is relative to that file's directory (as
 * KubeEdge reads it), which {@link YamlConfig} passes as the attribute {@link #BASE_DIRECTORY}.
 * Blank is absent (the record's default applies).
 */
public final class ConfigPathDeserializer extends StdScalarDeserializer<Path> {
  private static final long serialVersionUID = 1L;

  /** The reader attribute holding the configuration file's directory, a {@link Path}. */
  public static final String BASE_DIRECTORY = "dev.edgetrust.config.baseDirectory";

  public ConfigPathDeserializer() {
    super(Path.class);
  }

  @Override
  public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    String text = _parseString(p, ctxt, this);
    if (text == null || text.isBlank()) {
      return null;
    }
    // Without a file (a mapper used on its own) relative means relative to the working directory.
    Path base =
        ctxt.getAttribute(BASE_DIRECTORY) instanceof Path b ? b : Path.of("").toAbsolutePath();
    try {
      return Settings.resolve(base, text.strip());
    } catch (InvalidPathException e) {
      throw new InvalidValue(
          p,
          "is not a usable path: '" + dev.edgetrust.text.UntrustedText.printable(text, 80) + "'");
    }
  }
}
