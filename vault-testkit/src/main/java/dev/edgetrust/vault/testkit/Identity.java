package dev.edgetrust.vault.testkit;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vault's identity store, as much as templating needs: each login through an auth method makes (or
 * finds) an entity with an alias named by the method (AppRole: the role_id; cert: the certificate's
 * CN; Kubernetes: the service account UID), keyed by the method's mount accessor.
 */
final class Identity {
  private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*([^}]+?)\\s*}}");

  record Entity(String id, String name, Map<String, String> aliases) {}

  private final Map<String, Entity> byId = new HashMap<>();
  private final Map<String, Entity> byAlias = new HashMap<>();

  Entity entityFor(String mountAccessor, String aliasName) {
    return byAlias.computeIfAbsent(
        mountAccessor + "\u0000" + aliasName,
        k -> {
          String id = java.util.UUID.randomUUID().toString();
          Map<String, String> aliases = new LinkedHashMap<>();
          aliases.put(mountAccessor, aliasName);
          Entity e = new Entity(id, "entity_" + id.substring(0, 8), aliases);
          byId.put(id, e);
          return e;
        });
  }

  Optional<Entity> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  static boolean isTemplate(String s) {
    return TEMPLATE.matcher(s).find();
  }

  /**
   * Fills {@code {{identity.entity.id}}}, {@code {{identity.entity.name}}} and {@code
   * {{identity.entity.aliases.<mount accessor>.name}}}; empty if the entity lacks what is asked.
   */
  static Optional<String> populate(String template, Entity entity) {
    if (entity == null) {
      return Optional.empty();
    }
    Matcher m = TEMPLATE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      String value;
      if (key.equals("identity.entity.id")) {
        value = entity.id();
      } else if (key.equals("identity.entity.name")) {
        value = entity.name();
      } else if (key.startsWith("identity.entity.aliases.") && key.endsWith(".name")) {
        String accessor =
            key.substring("identity.entity.aliases.".length(), key.length() - ".name".length());
        value = entity.aliases().get(accessor);
      } else {
        value = null;
      }
      if (value == null) {
        return Optional.empty();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Optional.of(out.toString());
  }
}
