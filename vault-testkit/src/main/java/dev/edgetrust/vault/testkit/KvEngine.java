package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Vault's key/value secrets engine, version 1 ({@code type=kv} without {@code options.version=2}):
 * a write replaces the whole entry, a read answers it under {@code data}, a LIST answers the keys
 * one level below (folders end in {@code /}), a read or LIST of nothing is 404.
 */
final class KvEngine implements Backend {
  private final Map<String, ObjectNode> entries = new TreeMap<>();

  @Override
  public boolean exists(String sub) {
    return entries.containsKey(sub);
  }

  @Override
  public Reply handle(Request r, String sub, Caller caller) {
    String key = sub.endsWith("/") ? sub.substring(0, sub.length() - 1) : sub;
    return switch (r.operation()) {
      case Request.LIST -> list(key);
      case Request.READ -> {
        ObjectNode entry = entries.get(key);
        if (entry == null) {
          throw VaultError.notFound();
        }
        yield Reply.data(entry.deepCopy());
      }
      case Request.UPDATE -> {
        if (key.isEmpty()) {
          throw VaultError.unsupportedOperation();
        }
        entries.put(key, r.body().deepCopy());
        yield Reply.noContent();
      }
      case Request.DELETE -> {
        entries.remove(key);
        yield Reply.noContent();
      }
      default -> throw VaultError.unsupportedOperation();
    };
  }

  private Reply list(String folder) {
    String prefix = folder.isEmpty() ? "" : folder + "/";
    TreeSet<String> keys = new TreeSet<>();
    for (String k : entries.keySet()) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        int slash = rest.indexOf('/');
        keys.add(slash < 0 ? rest : rest.substring(0, slash + 1));
      }
    }
    if (keys.isEmpty()) {
      throw VaultError.notFound();
    }
    return Reply.data(Json.object().set("keys", Json.array(keys)));
  }
}
