package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The token auth method at {@code auth/token/}: create, look up, renew and revoke. */
final class TokenMethod implements Backend {
  private final TokenStore tokens;

  TokenMethod(TokenStore tokens) {
    this.tokens = tokens;
  }

  @Override
  public Reply handle(Request r, String sub, Caller caller) {
    switch (sub) {
      case "create", "create-orphan" -> {
        requireWrite(r);
        return create(r.body(), caller, sub.equals("create-orphan"), "auth/token/" + sub);
      }
      case "lookup-self" -> {
        if (!r.is(Request.READ) && !r.is(Request.UPDATE)) {
          throw VaultError.unsupportedOperation();
        }
        return Reply.data(tokens.lookupData(caller.token(), true));
      }
      case "lookup" -> {
        requireWrite(r);
        TokenStore.Token t =
            tokens
                .valid(Json.text(r.body().get("token"), ""))
                .orElseThrow(() -> VaultError.badRequest("bad token"));
        return Reply.data(tokens.lookupData(t, true));
      }
      case "lookup-accessor" -> {
        requireWrite(r);
        return Reply.data(tokens.lookupData(byAccessor(r.body()), false));
      }
      case "renew-self" -> {
        requireWrite(r);
        return renew(caller.token(), r.body());
      }
      case "renew" -> {
        requireWrite(r);
        TokenStore.Token t =
            tokens
                .valid(Json.text(r.body().get("token"), ""))
                .orElseThrow(() -> VaultError.badRequest("bad token"));
        return renew(t, r.body());
      }
      case "revoke-self" -> {
        requireWrite(r);
        tokens.revoke(caller.token());
        return Reply.noContent();
      }
      case "revoke" -> {
        requireWrite(r);
        tokens.valid(Json.text(r.body().get("token"), "")).ifPresent(tokens::revoke);
        return Reply.noContent();
      }
      case "revoke-accessor" -> {
        requireWrite(r);
        tokens.revoke(byAccessor(r.body()));
        return Reply.noContent();
      }
      default -> throw VaultError.multi(404, "unsupported path");
    }
  }

  private static void requireWrite(Request r) {
    if (!r.is(Request.UPDATE)) {
      throw VaultError.unsupportedOperation();
    }
  }

  private TokenStore.Token byAccessor(JsonNode body) {
    return tokens
        .byAccessor(Json.text(body.get("accessor"), ""))
        .orElseThrow(() -> VaultError.badRequest("invalid accessor"));
  }

  private Reply renew(TokenStore.Token t, ObjectNode body) {
    List<String> warnings = new ArrayList<>();
    tokens.renew(t, GoDurations.parse(body.get("increment"), "increment"), warnings);
    return Reply.json(Json.envelope(null, tokens.auth(t, t.meta), warnings));
  }

  private Reply create(ObjectNode b, Caller caller, boolean orphanPath, String path) {
    TokenStore.Token parent = caller.token();
    boolean privileged = parent.isRoot() || caller.acl().allows(path, "sudo");
    boolean noParent = Json.bool(b.get("no_parent"), "no_parent", false);
    if (noParent && !orphanPath && !privileged) {
      throw VaultError.badRequest("root or sudo privileges required to create orphan token");
    }
    Duration period = GoDurations.parse(b.get("period"), "period");
    if (!period.isZero() && !privileged) {
      throw VaultError.badRequest("root or sudo privileges required to create periodic token");
    }
    List<String> requested = Json.strings(b.get("policies"));
    boolean noDefault = Json.bool(b.get("no_default_policy"), "no_default_policy", false);
    if (requested.isEmpty()) {
      requested = new ArrayList<>(parent.policies);
      if (noDefault) {
        requested.remove("default");
      }
    } else if (!privileged) {
      Set<String> allowed = new HashSet<>(parent.policies);
      allowed.add("default");
      for (String p : requested) {
        if (!allowed.contains(p)) {
          throw VaultError.badRequest("child policies must be subset of parent");
        }
      }
    }
    if (requested.contains("root") && !parent.isRoot()) {
      throw VaultError.badRequest("root tokens may not be created without parent token being root");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    JsonNode m = b.get("meta");
    if (m != null && m.isObject()) {
      m.properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
    }
    String display = Json.text(b.get("display_name"), "");
    String displayName =
        display.isEmpty() ? "token" : "token-" + display.replaceAll("[^a-zA-Z0-9-]", "-");
    List<String> warnings = new ArrayList<>();
    TokenStore.Token t =
        tokens.create(
            new TokenStore.Spec(
                TokenStore.policies(requested, !noDefault),
                GoDurations.parse(b.get("ttl"), "ttl"),
                GoDurations.parse(b.get("explicit_max_ttl"), "explicit_max_ttl"),
                Duration.ZERO,
                period,
                Json.bool(b.get("renewable"), "renewable", true),
                displayName,
                meta,
                path,
                "",
                Json.integer(b.get("num_uses"), "num_uses", 0)),
            orphanPath || noParent ? null : parent,
            warnings);
    return Reply.json(Json.envelope(null, tokens.auth(t, meta), warnings));
  }
}
