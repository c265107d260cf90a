package dev.edgetrust.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A path in a configuration file, resolved against the file's directory when it is relative (as
 * KubeEdge's tools write {@code certs/server.crt} beside the file). The directory comes from the
 * reader's {@link com.fasterxml.jackson.databind.InjectableValues} under {@link #BASE_DIRECTORY},
 * which {@link YamlConfig} always sets; without it the path is resolved against the working
 * directory.
 *
 * <p>An empty value yields no path at all, so that the key's default applies, as in KubeEdge.
 */
public final class RelativePathDeserializer extends StdScalarDeserializer<Path> {
  private static final long serialVersionUID = 1L;

  /** The injectable value id of the directory relative paths are resolved against. */
  public static final String BASE_DIRECTORY = "dev.edgetrust.config.baseDirectory";

  public RelativePathDeserializer() {
    super(Path.class);
  }

  @Override
  public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    String text = ctxt.readValue(p, String.class);
    if (text == null || text.isBlank()) {
      return null; // "use the default": the property is skipped (Nulls.SKIP) or defaulted
    }
    Object base = ctxt.findInjectableValue(BASE_DIRECTORY, null, null, null, null);
    return Settings.resolve(
        base instanceof Path dir ? dir : Path.of("").toAbsolutePath(), text.strip());
  }
}
