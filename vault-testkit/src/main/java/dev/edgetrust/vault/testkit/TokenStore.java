package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Vault's token store: tokens with policies, TTLs, max TTLs, periods, use counts, parents (revoking
 * a parent revokes its children) and accessors, all timed by the stand-in's clock. An expired token
 * is revoked the moment it is next presented, as Vault's expiration manager would have done.
 */
final class TokenStore {
  /** Vault's built-in default and max lease TTL (32 days). */
  static final Duration SYSTEM_TTL = Duration.ofHours(768);

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final StandInClock clock;
  private final Map<String, Token> byId = new HashMap<>();
  private final Map<String, Token> byAccessor = new HashMap<>();

  /** One token. Mutable fields change on renewal and use. */
  static final class Token {
    final String id;
    final String accessor;
    final List<String> policies;
    final String parentAccessor;
    final Instant issueTime;
    final Duration creationTtl;
    final Duration explicitMaxTtl;
    final Duration maxTtl;
    final Duration period;
    final boolean renewable;
    final String displayName;
    final Map<String, String> meta;
    final String path;
    final String entityId;
    Instant expireTime;
    int numUses;

    Token(
        String id,
        String accessor,
        List<String> policies,
        String parentAccessor,
        Instant issueTime,
        Duration creationTtl,
        Duration explicitMaxTtl,
        Duration maxTtl,
        Duration period,
        boolean renewable,
        String displayName,
        Map<String, String> meta,
        String path,
        String entityId,
        int numUses) {
      this.id = id;
      this.accessor = accessor;
      this.policies = List.copyOf(policies);
      this.parentAccessor = parentAccessor;
      this.issueTime = issueTime;
      this.creationTtl = creationTtl;
      this.explicitMaxTtl = explicitMaxTtl;
      this.maxTtl = maxTtl;
      this.period = period;
      this.renewable = renewable;
      this.displayName = displayName;
      this.meta = Map.copyOf(meta);
      this.path = path;
      this.entityId = entityId;
      this.numUses = numUses;
      this.expireTime = creationTtl.isZero() ? null : issueTime.plus(creationTtl);
    }

    boolean isRoot() {
      return policies.contains("root");
    }

    /** The latest moment renewals may reach; null if none. */
    Instant maxValidTime() {
      if (!period.isZero()) {
        return explicitMaxTtl.isZero() ? null : issueTime.plus(explicitMaxTtl);
      }
      return maxTtl.isZero() ? null : issueTime.plus(maxTtl);
    }
  }

  /** What a new token should be; built by the token endpoints and the login methods. */
  record Spec(
      List<String> policies,
      Duration ttl,
      Duration explicitMaxTtl,
      Duration roleMaxTtl,
      Duration period,
      boolean renewable,
      String displayName,
      Map<String, String> meta,
      String path,
      String entityId,
      int numUses) {}

  TokenStore(StandInClock clock) {
    this.clock = clock;
  }

  static String randomId(String prefix, int length) {
    StringBuilder out = new StringBuilder(prefix);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  Token createRoot() {
    Token t =
        new Token(
            randomId("s.", 24),
            randomId("", 24),
            List.of("root"),
            null,
            clock.instant(),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            false,
            "root",
            Map.of(),
            "auth/token/root",
            "",
            0);
    add(t);
    return t;
  }

  /**
   * Creates a token; {@code warnings} receives Vault's note when the TTL had to be capped.
   *
   * @param parent the creating token, or null for an orphan
   */
  Token create(Spec spec, Token parent, List<String> warnings) {
    Instant now = clock.instant();
    boolean rootPolicy = spec.policies().contains("root");
    Duration maxTtl = min(min(spec.explicitMaxTtl(), spec.roleMaxTtl()), SYSTEM_TTL);
    Duration ttl;
    if (rootPolicy && spec.ttl().isZero() && spec.period().isZero()) {
      ttl = Duration.ZERO; // a root token asked without a TTL never expires
      maxTtl = Duration.ZERO;
    } else if (!spec.period().isZero()) {
      ttl = spec.period();
      if (!spec.explicitMaxTtl().isZero() && ttl.compareTo(spec.explicitMaxTtl()) > 0) {
        ttl = spec.explicitMaxTtl();
      }
    } else {
      ttl = spec.ttl().isZero() ? SYSTEM_TTL : spec.ttl();
      if (ttl.compareTo(maxTtl) > 0) {
        warnings.add(
            "TTL of \""
                + GoDurations.format(ttl)
                + "\" exceeded the effective max_ttl of \""
                + GoDurations.format(maxTtl)
                + "\"; TTL value is capped accordingly");
        ttl = maxTtl;
      }
    }
    Token t =
        new Token(
            randomId("s.", 24),
            randomId("", 24),
            spec.policies(),
            parent == null ? null : parent.accessor,
            now,
            ttl,
            spec.explicitMaxTtl(),
            maxTtl,
            spec.period(),
            spec.renewable(),
            spec.displayName(),
            spec.meta(),
            spec.path(),
            spec.entityId(),
            spec.numUses());
    add(t);
    return t;
  }

  private static Duration min(Duration a, Duration b) {
    if (a.isZero()) {
      return b;
    }
    if (b.isZero()) {
      return a;
    }
    return a.compareTo(b) < 0 ? a : b;
  }

  private void add(Token t) {
    byId.put(t.id, t);
    byAccessor.put(t.accessor, t);
  }

  /** The token with this id if it exists and has not expired (an expired one is revoked now). */
  Optional<Token> valid(String id) {
    Token t = byId.get(id);
    if (t == null) {
      return Optional.empty();
    }
    if (t.expireTime != null && !clock.instant().isBefore(t.expireTime)) {
      revoke(t);
      return Optional.empty();
    }
    return Optional.of(t);
  }

  Optional<Token> byAccessor(String accessor) {
    Token t = byAccessor.get(accessor);
    return t == null ? Optional.empty() : valid(t.id);
  }

  /** Counts a use of a limited-use token; the last use revokes it after the request. */
  void use(Token t) {
    if (t.numUses > 0) {
      t.numUses--;
      if (t.numUses == 0) {
        revoke(t);
      }
    }
  }

  /** Revokes a token and, recursively, every child it created. */
  void revoke(Token t) {
    byId.remove(t.id);
    byAccessor.remove(t.accessor);
    List<Token> children = new ArrayList<>();
    for (Token c : byId.values()) {
      if (t.accessor.equals(c.parentAccessor)) {
        children.add(c);
      }
    }
    children.forEach(this::revoke);
  }

  /** Renews a token as Vault's CalculateTTL does; returns the granted TTL. */
  Duration renew(Token t, Duration increment, List<String> warnings) {
    if (!t.renewable || t.expireTime == null) {
      throw VaultError.badRequest("lease is not renewable");
    }
    Instant now = clock.instant();
    Duration ttl = !t.period.isZero() ? t.period : increment.isZero() ? t.creationTtl : increment;
    Instant maxValid = t.maxValidTime();
    // Vault keeps a token's creation time in whole seconds and computes the max from it, while the
    // lease runs from the precise moment: in the last second before the max the token still works
    // but CalculateTTL finds the max passed, and Vault answers 500 (an error, not a user error).
    if (maxValid != null && Duration.between(now, maxValid).compareTo(Duration.ofSeconds(1)) < 0) {
      throw VaultError.multi(500, "past the max TTL, cannot renew");
    }
    if (maxValid != null && now.plus(ttl).isAfter(maxValid)) {
      Duration capped = Duration.between(now, maxValid);
      warnings.add(
          "TTL of \""
              + GoDurations.format(ttl)
              + "\" exceeded the effective max_ttl of \""
              + GoDurations.format(capped)
              + "\"; TTL value is capped accordingly");
      ttl = capped;
    }
    t.expireTime = now.plus(ttl);
    return ttl;
  }

  /** {@code data} of a lookup answer. */
  ObjectNode lookupData(Token t, boolean withId) {
    Instant now = clock.instant();
    ObjectNode d = Json.object();
    d.put("accessor", t.accessor);
    d.put("creation_time", t.issueTime.getEpochSecond());
    d.put("creation_ttl", t.creationTtl.toSeconds());
    d.put("display_name", t.displayName);
    d.put("entity_id", t.entityId);
    if (t.expireTime == null) {
      d.set("expire_time", NullNode.getInstance());
    } else {
      d.put("expire_time", DateTimeFormatter.ISO_INSTANT.format(t.expireTime));
    }
    d.put("explicit_max_ttl", t.explicitMaxTtl.toSeconds());
    d.put("id", withId ? t.id : "");
    d.put("issue_time", DateTimeFormatter.ISO_INSTANT.format(t.issueTime));
    if (t.meta.isEmpty()) {
      d.set("meta", NullNode.getInstance());
    } else {
      ObjectNode m = d.putObject("meta");
      t.meta.forEach(m::put);
    }
    d.put("num_uses", t.numUses);
    d.put("orphan", t.parentAccessor == null);
    d.put("path", t.path);
    d.set("policies", Json.array(t.policies));
    d.put("renewable", t.renewable);
    d.put(
        "ttl",
        t.expireTime == null ? 0 : Math.max(0, Duration.between(now, t.expireTime).toSeconds()));
    d.put("type", "service");
    if (!t.period.isZero()) {
      d.put("period", t.period.toSeconds());
    }
    return d;
  }

  /** The {@code auth} block of a create, login or renew answer. */
  ObjectNode auth(Token t, Map<String, String> metadata) {
    ObjectNode a = Json.object();
    a.put("client_token", t.id);
    a.put("accessor", t.accessor);
    a.set("policies", Json.array(t.policies));
    List<String> tokenPolicies = new ArrayList<>(t.policies);
    a.set("token_policies", Json.array(tokenPolicies));
    if (metadata.isEmpty()) {
      a.set("metadata", NullNode.getInstance());
    } else {
      ObjectNode m = a.putObject("metadata");
      metadata.forEach(m::put);
    }
    a.put(
        "lease_duration",
        t.expireTime == null
            ? 0
            : Math.max(0, Duration.between(clock.instant(), t.expireTime).toSeconds()));
    a.put("renewable", t.renewable);
    a.put("entity_id", t.entityId);
    a.put("token_type", "service");
    a.put("orphan", t.parentAccessor == null);
    return a;
  }

  /**
   * Policies as Vault stores them on a token: sorted, unique, with {@code default} unless excluded.
   */
  static List<String> policies(List<String> requested, boolean addDefault) {
    TreeSet<String> set = new TreeSet<>(requested);
    set.remove("");
    if (addDefault && !set.contains("root")) {
      set.add("default");
    }
    return List.copyOf(set);
  }
}
