package dev.edgetrust.vault.testkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The capabilities a set of policies grants, evaluated as Vault does: rules for the same path
 * across policies are merged ({@code deny} wins), an exact path beats any pattern, and among the
 * patterns that match ({@code *} suffix, {@code +} segment) Vault's priority rules pick one.
 */
final class Acl {
  private static final Set<String> ROOT =
      Set.of("create", "read", "update", "patch", "delete", "list", "sudo");

  private final boolean root;
  private final Map<String, Set<String>> exact = new HashMap<>();
  private final List<Rule> patterns = new ArrayList<>();

  private record Rule(String path, Pattern regex, Set<String> capabilities) {}

  private Acl(boolean root) {
    this.root = root;
  }

  static Acl of(Collection<Map<String, Set<String>>> policies, boolean root) {
    Acl acl = new Acl(root);
    Map<String, Set<String>> merged = new HashMap<>();
    for (Map<String, Set<String>> policy : policies) {
      policy.forEach(
          (path, caps) -> merged.computeIfAbsent(path, p -> new HashSet<>()).addAll(caps));
    }
    merged.forEach(
        (path, caps) -> {
          Set<String> effective = caps.contains("deny") ? Set.of("deny") : Set.copyOf(caps);
          if (path.contains("*") || path.contains("+")) {
            acl.patterns.add(new Rule(path, regex(path), effective));
          } else {
            acl.exact.put(path, effective);
          }
        });
    return acl;
  }

  private static Pattern regex(String path) {
    StringBuilder out = new StringBuilder();
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        out.append('/');
      }
      String seg = segments[i];
      if (seg.equals("+")) {
        out.append("[^/]+");
      } else if (i == segments.length - 1 && seg.endsWith("*")) {
        out.append(Pattern.quote(seg.substring(0, seg.length() - 1))).append(".*");
      } else {
        out.append(Pattern.quote(seg));
      }
    }
    return Pattern.compile(out.toString());
  }

  /** The capabilities granted on {@code path}; empty if none. */
  Set<String> capabilities(String path) {
    if (root) {
      return ROOT;
    }
    Set<String> caps = exact.get(path);
    if (caps != null) {
      return caps;
    }
    return patterns.stream()
        .filter(r -> r.regex.matcher(path).matches())
        .max(PRIORITY)
        .map(Rule::capabilities)
        .orElse(Set.of());
  }

  boolean allows(String path, String capability) {
    Set<String> caps = capabilities(path);
    return !caps.contains("deny") && caps.contains(capability);
  }

  /** Vault's documented priority among matching patterns; greater is higher priority. */
  private static final Comparator<Rule> PRIORITY =
      (a, b) -> {
        int wa = firstWildcard(a.path);
        int wb = firstWildcard(b.path);
        if (wa != wb) {
          return Integer.compare(wa, wb); // a later first wildcard is more specific
        }
        boolean sa = a.path.endsWith("*");
        boolean sb = b.path.endsWith("*");
        if (sa != sb) {
          return sa ? -1 : 1;
        }
        int pa = plusCount(a.path);
        int pb = plusCount(b.path);
        if (pa != pb) {
          return Integer.compare(pb, pa);
        }
        if (a.path.length() != b.path.length()) {
          return Integer.compare(a.path.length(), b.path.length());
        }
        return a.path.compareTo(b.path);
      };

  private static int firstWildcard(String p) {
    int plus = p.indexOf('+');
    int star = p.indexOf('*');
    if (plus < 0) {
      return star < 0 ? Integer.MAX_VALUE : star;
    }
    return star < 0 ? plus : Math.min(plus, star);
  }

  private static int plusCount(String p) {
    int n = 0;
    for (String seg : p.split("/")) {
      if (seg.equals("+")) {
        n++;
      }
    }
    return n;
  }
}
