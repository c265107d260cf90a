package dev.edgetrust.pki;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.YamlConfig;
import dev.edgetrust.text.UntrustedText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The PKIs on the class path, by name: every {@link PkiProviderFactory} registered with {@link
 * ServiceLoader}. This is how the CloudHub's start-up, the EdgeHub's settings and the CLI find a
 * PKI from {@code pki.provider: NAME} without knowing any PKI themselves.
 */
public final class PkiProviders {
  /**
   * The PKI when {@code pki.provider} is absent or blank: an existing cloudcore.yaml is unchanged.
   */
  public static final String DEFAULT = "builtin";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private final Map<String, PkiProviderFactory> byName;

  private PkiProviders(Map<String, PkiProviderFactory> byName) {
    this.byName = byName;
  }

  /**
   * The factories {@link ServiceLoader} finds with this class's class loader.
   *
   * @throws IllegalStateException if two factories claim one name, or a name is malformed: a
   *     packaging mistake, not a user's
   */
  public static PkiProviders installed() {
    List<PkiProviderFactory> found = new ArrayList<>();
    ServiceLoader.load(PkiProviderFactory.class, PkiProviderFactory.class.getClassLoader())
        .forEach(found::add);
    return of(found);
  }

  /** These factories (for tests, and for a launcher that assembles its own list). */
  public static PkiProviders of(List<PkiProviderFactory> factories) {
    Map<String, PkiProviderFactory> byName = new TreeMap<>();
    for (PkiProviderFactory f : factories) {
      String name = f.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalStateException(
            f.getClass().getName() + " has a malformed PKI name '" + name + "'");
      }
      PkiProviderFactory before = byName.putIfAbsent(name, f);
      if (before != null && before.getClass() != f.getClass()) {
        throw new IllegalStateException(
            "two PKI providers are named '"
                + name
                + "': "
                + before.getClass().getName()
                + " and "
                + f.getClass().getName());
      }
    }
    return new PkiProviders(Map.copyOf(byName));
  }

  /** The known names, sorted. */
  public List<String> names() {
    return List.copyOf(new TreeSet<>(byName.keySet()));
  }

  public List<PkiProviderFactory> all() {
    List<PkiProviderFactory> all = new ArrayList<>();
    names().forEach(n -> all.add(byName.get(n)));
    return List.copyOf(all);
  }

  /** The factory named {@code name} (case-insensitive, as config keys are), if there is one. */
  public Optional<PkiProviderFactory> find(String name) {
    return name == null
        ? Optional.empty()
        : Optional.ofNullable(byName.get(name.strip().toLowerCase(Locale.ROOT)));
  }

  /**
   * The factory named {@code name}.
   *
   * @param where what to prefix the error with: the file and key the name comes from
   * @throws ConfigException one line: the unknown name and the names known
   */
  public PkiProviderFactory require(String name, String where) throws ConfigException {
    return find(name)
        .orElseThrow(
            () ->
                new ConfigException(
                    where
                        + " is '"
                        + UntrustedText.printable(String.valueOf(name), 80)
                        + "', which is no PKI provider here"
                        + " (known: "
                        + String.join(", ", names())
                        + ")"));
  }

  /**
   * The PKI {@code modules.cloudHub.pki} of {@code config} selects, after checking the section's
   * own keys: {@code provider}, and one section per known provider (each read by its factory only).
   *
   * @throws ConfigException one line naming the file and key: an unknown provider (listing the
   *     known ones), an unknown key in {@code pki}, {@code pki} not a mapping
   */
  public PkiProviderFactory cloudProvider(YamlConfig config) throws ConfigException {
    String section = CloudPkiContext.PKI_SECTION;
    JsonNode pki = config.node(section);
    String name = DEFAULT;
    if (!pki.isMissingNode() && !pki.isNull()) {
      if (!pki.isObject()) {
        throw new ConfigException(config.file() + ": '" + section + "' must be a mapping");
      }
      TreeSet<String> known = new TreeSet<>(names());
      known.add("provider");
      for (Iterator<String> keys = pki.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!known.contains(key.toLowerCase(Locale.ROOT))) {
          throw new ConfigException(
              config.file()
                  + ": unknown key '"
                  + section
                  + "."
                  + UntrustedText.printable(key, 80)
                  + "' (known keys there: "
                  + String.join(", ", known)
                  + ")");
        }
      }
      JsonNode provider = config.node(section + ".provider");
      if (!provider.isMissingNode() && !provider.isNull()) {
        if (!provider.isTextual()) {
          throw new ConfigException(
              config.file() + ": '" + section + ".provider' must be a string");
        }
        if (!provider.asText().isBlank()) {
          name = provider.asText();
        }
      }
    }
    return require(name, config.file() + ": '" + section + ".provider'");
  }

  @Override
  public String toString() {
    return "PkiProviders" + names();
  }
}
