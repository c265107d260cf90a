package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The AppRole auth method: roles, role IDs, secret IDs (with TTL and use limits) and login. */
final class AppRoleMethod implements Backend {
  private final MountEntry mount;
  private final StandInClock clock;
  private final LoginIssuer issuer;
  private final Map<String, Role> roles = new TreeMap<>();

  private static final class Role {
    String roleId = UUID.randomUUID().toString();
    LoginIssuer.TokenParams token;
    boolean bindSecretId;
    int secretIdNumUses;
    Duration secretIdTtl;
    final Map<String, Secret> secrets = new LinkedHashMap<>();
  }

  private record Secret(String accessor, Instant expires, int[] usesLeft) {}

  AppRoleMethod(MountEntry mount, StandInClock clock, LoginIssuer issuer) {
    this.mount = mount;
    this.clock = clock;
    this.issuer = issuer;
  }

  @Override
  public boolean unauthenticated(Request r, String sub) {
    return sub.equals("login");
  }

  @Override
  public boolean exists(String sub) {
    return !sub.startsWith("role/")
        || sub.indexOf('/', 5) >= 0
        || roles.containsKey(sub.substring(5));
  }

  @Override
  public Reply handle(Request r, String sub, Caller caller) {
    if (sub.equals("login")) {
      if (!r.is(Request.UPDATE)) {
        throw VaultError.unsupportedOperation();
      }
      return login(r.body());
    }
    if (sub.equals("role")) {
      if (!r.is(Request.LIST)) {
        throw VaultError.unsupportedOperation();
      }
      if (roles.isEmpty()) {
        throw VaultError.notFound();
      }
      return Reply.data(Json.object().set("keys", Json.array(roles.keySet())));
    }
    if (!sub.startsWith("role/")) {
      throw VaultError.multi(404, "unsupported path");
    }
    String rest = sub.substring("role/".length());
    int slash = rest.indexOf('/');
    String name = slash < 0 ? rest : rest.substring(0, slash);
    String action = slash < 0 ? "" : rest.substring(slash + 1);
    if (action.isEmpty()) {
      return role(r, name);
    }
    Role role = roles.get(name);
    if (role == null) {
      throw VaultError.badRequest("invalid role name \"" + name + "\"");
    }
    switch (action) {
      case "role-id" -> {
        if (r.is(Request.READ)) {
          return Reply.data(Json.object().put("role_id", role.roleId));
        }
        if (r.is(Request.UPDATE)) {
          role.roleId = Json.text(r.body().get("role_id"), role.roleId);
          return Reply.noContent();
        }
        throw VaultError.unsupportedOperation();
      }
      case "secret-id" -> {
        if (r.is(Request.LIST)) {
          List<String> accessors = new ArrayList<>();
          role.secrets.values().forEach(s -> accessors.add(s.accessor()));
          if (accessors.isEmpty()) {
            throw VaultError.notFound();
          }
          return Reply.data(Json.object().set("keys", Json.array(accessors)));
        }
        if (!r.is(Request.UPDATE)) {
          throw VaultError.unsupportedOperation();
        }
        String secretId = UUID.randomUUID().toString();
        String accessor = UUID.randomUUID().toString();
        Instant expires = role.secretIdTtl.isZero() ? null : clock.instant().plus(role.secretIdTtl);
        role.secrets.put(secretId, new Secret(accessor, expires, new int[] {role.secretIdNumUses}));
        ObjectNode d = Json.object();
        d.put("secret_id", secretId);
        d.put("secret_id_accessor", accessor);
        d.put("secret_id_ttl", role.secretIdTtl.toSeconds());
        d.put("secret_id_num_uses", role.secretIdNumUses);
        return Reply.data(d);
      }
      case "secret-id/destroy" -> {
        if (!r.is(Request.UPDATE) && !r.is(Request.DELETE)) {
          throw VaultError.unsupportedOperation();
        }
        role.secrets.remove(Json.text(r.body().get("secret_id"), ""));
        return Reply.noContent();
      }
      case "secret-id-accessor/destroy" -> {
        if (!r.is(Request.UPDATE) && !r.is(Request.DELETE)) {
          throw VaultError.unsupportedOperation();
        }
        String accessor = Json.text(r.body().get("secret_id_accessor"), "");
        boolean removed = role.secrets.values().removeIf(s -> s.accessor().equals(accessor));
        if (!removed) {
          throw VaultError.badRequest(
              "failed to find accessor entry for secret_id_accessor: \"" + accessor + "\"");
        }
        return Reply.noContent();
      }
      default -> throw VaultError.multi(404, "unsupported path");
    }
  }

  private Reply role(Request r, String name) {
    switch (r.operation()) {
      case Request.READ -> {
        Role role = roles.get(name);
        if (role == null) {
          throw VaultError.notFound();
        }
        ObjectNode d = Json.object();
        role.token.describe(d);
        d.put("bind_secret_id", role.bindSecretId);
        d.put("secret_id_num_uses", role.secretIdNumUses);
        d.put("secret_id_ttl", role.secretIdTtl.toSeconds());
        return Reply.data(d);
      }
      case Request.UPDATE -> {
        Role role = roles.computeIfAbsent(name, n -> new Role());
        ObjectNode b = r.body();
        role.token = LoginIssuer.TokenParams.parse(b);
        role.bindSecretId = Json.bool(b.get("bind_secret_id"), "bind_secret_id", true);
        role.secretIdNumUses = Json.integer(b.get("secret_id_num_uses"), "secret_id_num_uses", 0);
        role.secretIdTtl = GoDurations.parse(b.get("secret_id_ttl"), "secret_id_ttl");
        if (!role.bindSecretId) {
          throw VaultError.badRequest(
              "the Vault stand-in supports AppRole roles with bind_secret_id only");
        }
        return Reply.noContent();
      }
      case Request.DELETE -> {
        roles.remove(name);
        return Reply.noContent();
      }
      default -> throw VaultError.unsupportedOperation();
    }
  }

  private Reply login(ObjectNode b) {
    String roleId = Json.text(b.get("role_id"), "");
    if (roleId.isEmpty()) {
      throw VaultError.badRequest("missing role_id");
    }
    Map.Entry<String, Role> found = null;
    for (Map.Entry<String, Role> e : roles.entrySet()) {
      if (e.getValue().roleId.equals(roleId)) {
        found = e;
      }
    }
    if (found == null) {
      throw VaultError.badRequest("invalid role ID");
    }
    Role role = found.getValue();
    String secretId = Json.text(b.get("secret_id"), "");
    Secret secret = role.secrets.get(secretId);
    if (secret == null || secret.expires() != null && !clock.instant().isBefore(secret.expires())) {
      if (secret != null) {
        role.secrets.remove(secretId);
      }
      throw VaultError.badRequest("invalid secret id");
    }
    if (secret.usesLeft()[0] > 0 && --secret.usesLeft()[0] == 0) {
      role.secrets.remove(secretId);
    }
    Map<String, String> metadata = new HashMap<>();
    metadata.put("role_name", found.getKey());
    return issuer.login(mount, role.token, roleId, found.getKey(), metadata);
  }
}
