package dev.edgetrust.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.IgnoredPropertyException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads one section of a KubeEdge-style YAML file ({@code modules.cloudHub} of {@code
 * cloudcore.yaml}, say) into a typed record, once, with messages that name the file and the key.
 *
 * <p>Sections that belong to other KubeEdge components are left alone, so an existing {@code
 * cloudcore.yaml} or {@code edgecore.yaml} loads as it is. Inside the section edgetrust reads, an
 * unknown key is an error (it is almost always a typo). Keys match case-insensitively, as they do
 * in KubeEdge (Go's JSON decoder).
 */
public final class YamlConfig {
  /** Config files are small; a larger one is a mistake, not a config. */
  private static final long MAX_BYTES = 1 << 20;

  private static final ObjectMapper YAML =
      JsonMapper.builder(new YAMLFactory())
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          // A key a record keeps out of the file (@JsonIgnore: set only in code) is refused like
          // any unknown key rather than silently dropped.
          .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
          .addModule(new Jdk8Module())
          .addModule(
              new SimpleModule("edgetrust-config")
                  .addDeserializer(Duration.class, new GoDurationDeserializer())
                  .addDeserializer(Path.class, new ConfigPathDeserializer())
                  .addDeserializer(InetAddress.class, new IpAddress.Deserializer()))
          .build();

  /**
   * The name under which {@link #section} injects this file's {@link #baseDirectory()} into a
   * record component marked {@code @JacksonInject(CONFIG_DIRECTORY)}: for defaults that live beside
   * the file.
   */
  public static final String CONFIG_DIRECTORY = "dev.edgetrust.config.configDirectory";

  private final Path file;
  private final JsonNode root;

  private YamlConfig(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  /**
   * Reads and parses {@code file}.
   *
   * @throws ConfigException if it is missing, too large or not YAML
   */
  public static YamlConfig read(Path file) throws ConfigException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigException(
            file + ": larger than " + MAX_BYTES + " bytes; not a configuration file");
      }
      JsonNode root = YAML.readTree(Files.readString(file));
      if (root == null || root.isMissingNode() || root.isNull()) {
        root = YAML.createObjectNode();
      }
      if (!root.isObject()) {
        throw new ConfigException(file + ": expected a YAML mapping at the top level");
      }
      return new YamlConfig(file, root);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          file + ": not valid YAML" + at(e.getLocation()) + ": " + problem(e));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage());
    }
  }

  public Path file() {
    return file;
  }

  /** The directory relative paths in this file are resolved against. */
  public Path baseDirectory() {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of("").toAbsolutePath() : parent;
  }

  /** The raw node at a dotted path ("modules.edged.hostnameOverride"), or a missing node. */
  public JsonNode node(String dottedPath) {
    JsonNode node = root;
    for (String part : dottedPath.split("\\.")) {
      node = node.isObject() ? findIgnoreCase((ObjectNode) node, part) : MissingNode.getInstance();
    }
    return node;
  }

  private static JsonNode findIgnoreCase(ObjectNode node, String name) {
    JsonNode exact = node.get(name);
    if (exact != null) {
      return exact;
    }
    for (var e : node.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return MissingNode.getInstance();
  }

  /**
   * Binds the section at {@code dottedPath} to {@code type}. A missing section binds as an empty
   * mapping, so every default applies.
   *
   * @throws ConfigException naming the file and the full key of the first problem
   */
  public <T> T section(String dottedPath, Class<T> type) throws ConfigException {
    return section(dottedPath, type, java.util.Set.of());
  }

  /**
   * Binds the section at {@code dottedPath} to {@code type} without the keys in {@code othersKeys}
   * (lower case; matched case-insensitively): sub-sections another reader binds, such as a PKI
   * provider's {@code modules.edgeHub.vault}. They count as known keys in messages.
   *
   * @throws ConfigException naming the file and the full key of the first problem
   */
  public <T> T section(String dottedPath, Class<T> type, java.util.Set<String> othersKeys)
      throws ConfigException {
    JsonNode node = node(dottedPath);
    if (node.isMissingNode() || node.isNull()) {
      node = YAML.createObjectNode();
    }
    if (!node.isObject()) {
      throw new ConfigException(file + ": '" + dottedPath + "' must be a mapping");
    }
    if (!othersKeys.isEmpty()) {
      ObjectNode own = ((ObjectNode) node).deepCopy();
      own.properties()
          .removeIf(e -> othersKeys.contains(e.getKey().toLowerCase(java.util.Locale.ROOT)));
      node = own;
    }
    try {
      return YAML.readerFor(type)
          .withAttribute(ConfigPathDeserializer.BASE_DIRECTORY, baseDirectory())
          .with(new InjectableValues.Std().addValue(CONFIG_DIRECTORY, baseDirectory()))
          .readValue(node);
    } catch (UnrecognizedPropertyException | IgnoredPropertyException e) {
      java.util.Set<String> codeOnly = codeOnlyKeys(e.getReferringClass());
      String known =
          java.util.stream.Stream.concat(
                  e.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .filter(k -> !codeOnly.contains(k)),
                  e.getPath().size() == 1
                      ? othersKeys.stream()
                      : java.util.stream.Stream.<String>empty())
              .sorted()
              .distinct()
              .collect(Collectors.joining(", "));
      throw new ConfigException(
          file + ": unknown key '" + key(dottedPath, e) + "' (known keys there: " + known + ")");
    } catch (InvalidValue e) {
      throw new ConfigException(
          file + ": '" + key(dottedPath, e) + "' " + printable(e.getOriginalMessage()));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ConfigException(
          file + ": " + qualify(key(dottedPath, e), String.valueOf(cause.getMessage())));
    } catch (InvalidFormatException e) {
      throw new ConfigException(
          file
              + ": '"
              + key(dottedPath, e)
              + "' must be "
              + describe(e.getTargetType())
              + ", not '"
              + printable(String.valueOf(e.getValue()))
              + "'");
    } catch (MismatchedInputException e) {
      throw new ConfigException(
          file + ": '" + key(dottedPath, e) + "' must be " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof IllegalArgumentException refused) {
        throw new ConfigException(
            file + ": " + named(key(dottedPath, e), String.valueOf(refused.getMessage())));
      }
      throw new ConfigException(file + ": '" + key(dottedPath, e) + "': " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": '" + dottedPath + "': " + e.getOriginalMessage());
    } catch (IOException e) {
      // The tree is in memory: nothing is read from a stream.
      throw new ConfigException(file + ": '" + dottedPath + "': " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file + ": '" + dottedPath + "': " + e.getMessage());
    }
  }

  /** Components a record keeps out of the file: not keys a user could write. */
  private static java.util.Set<String> codeOnlyKeys(Class<?> type) {
    if (type == null || !type.isRecord()) {
      return java.util.Set.of();
    }
    java.util.Set<String> out = new java.util.HashSet<>();
    for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
      if (c.getAccessor().isAnnotationPresent(JsonIgnore.class)) {
        out.add(c.getName());
      }
    }
    return out;
  }

  /**
   * Records validate their own keys and name them relative to themselves ("'port' must be ...");
   * the user needs the full key ("'modules.cloudHub.websocket.port' must be ...").
   */
  private static String qualify(String where, String message) {
    return Settings.qualify(where, message);
  }

  /**
   * A value refused by its parser (a setter or a deserializer), whose message names no key ("must
   * be host:port ...") or only its own ("'httpServer' must be ..."): named by the full key.
   */
  private static String named(String key, String message) {
    String own = key.substring(key.lastIndexOf('.') + 1);
    if (message.regionMatches(true, 0, "'" + own + "'", 0, own.length() + 2)) {
      return "'" + key + "'" + message.substring(own.length() + 2);
    }
    return "'" + key + "' " + message;
  }

  /**
   * The one-line refusal of {@code e}, thrown when a section bound by {@link #section} was checked
   * as a whole afterwards (by a builder's {@code build()}): its message names keys relative to the
   * section at {@code dottedPath}.
   */
  public ConfigException refusal(String dottedPath, IllegalArgumentException e) {
    return new ConfigException(file + ": " + qualify(dottedPath, String.valueOf(e.getMessage())));
  }

  private static String key(String prefix, JsonMappingException e) {
    StringBuilder out = new StringBuilder(prefix);
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        out.append('.').append(printable(ref.getFieldName()));
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /**
   * Keys and values in messages come from the user's file: keep the message one line (a quoted YAML
   * string can hold any character) and short.
   */
  private static String printable(String s) {
    return dev.edgetrust.text.UntrustedText.printable(s, 80);
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Duration.class) {
      return "a duration such as 24h, 30m or 90s";
    }
    if (type == String.class) {
      return "a string";
    }
    if (java.util.List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.toString(type.getEnumConstants());
    }
    return "a mapping";
  }

  /**
   * SnakeYAML's own message runs over several lines and quotes the lines around the mistake, which
   * in edgecore.yaml may be the join token: keep only its one-line description of the problem.
   */
  private static String problem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      // Even the one-line description quotes the offending character raw, a line break included
      // ("unexpected character found \n(10)"): found by YamlConfigFuzzTest.
      return dev.edgetrust.text.UntrustedText.printable(marked.getProblem(), 200);
    }
    String message = String.valueOf(e.getOriginalMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0 ? "" : " at line " + location.getLineNr();
  }
}
