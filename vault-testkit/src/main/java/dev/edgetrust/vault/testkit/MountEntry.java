package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/** A mounted secrets engine or auth method: path, type, accessor, lease TTLs, and its backend. */
final class MountEntry {
  final String path;
  final String type;
  final String accessor;
  final String description;
  Duration defaultLeaseTtl = Duration.ZERO;
  Duration maxLeaseTtl = Duration.ZERO;
  Backend backend;

  MountEntry(String path, String type, String accessorPrefix, String description) {
    this.path = path;
    this.type = type;
    this.accessor =
        accessorPrefix + "_" + type + "_" + TokenStore.randomId("", 8).toLowerCase(Locale.ROOT);
    this.description = description;
  }

  Duration effectiveMax() {
    return maxLeaseTtl.isZero() ? TokenStore.SYSTEM_TTL : maxLeaseTtl;
  }

  Duration effectiveDefault() {
    Duration d = defaultLeaseTtl.isZero() ? TokenStore.SYSTEM_TTL : defaultLeaseTtl;
    return d.compareTo(effectiveMax()) > 0 ? effectiveMax() : d;
  }

  ObjectNode describe() {
    ObjectNode m = Json.object();
    m.put("accessor", accessor);
    ObjectNode config = m.putObject("config");
    config.put("default_lease_ttl", defaultLeaseTtl.toSeconds());
    config.put("max_lease_ttl", maxLeaseTtl.toSeconds());
    config.put("force_no_cache", false);
    m.put("description", description);
    m.put("external_entropy_access", false);
    m.put("local", false);
    m.set("options", NullNode.getInstance());
    m.put("seal_wrap", false);
    m.put("type", type);
    return m;
  }

  ObjectNode tune() {
    ObjectNode t = Json.object();
    t.put("default_lease_ttl", effectiveDefault().toSeconds());
    t.put("max_lease_ttl", effectiveMax().toSeconds());
    t.put("force_no_cache", false);
    t.put("description", description);
    return t;
  }
}
