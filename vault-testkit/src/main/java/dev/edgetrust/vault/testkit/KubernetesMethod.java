package dev.edgetrust.vault.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes auth method, with the cluster's TokenReview replaced by a table of JWTs the test
 * declares valid ({@link VaultStandIn#trustKubernetesJwt}). Roles bind service-account names and
 * namespaces ({@code *} for any) as Vault's do.
 */
final class KubernetesMethod implements Backend {
  record ServiceAccount(String namespace, String name, String uid) {}

  private final MountEntry mount;
  private final LoginIssuer issuer;
  private final Map<String, ServiceAccount> reviewed;
  private final Map<String, Role> roles = new TreeMap<>();
  private ObjectNode config = Json.object();

  private record Role(List<String> names, List<String> namespaces, LoginIssuer.TokenParams token) {}

  KubernetesMethod(MountEntry mount, LoginIssuer issuer, Map<String, ServiceAccount> reviewed) {
    this.mount = mount;
    this.issuer = issuer;
    this.reviewed = reviewed;
  }

  static Map<String, ServiceAccount> newTable() {
    return new ConcurrentHashMap<>();
  }

  @Override
  public boolean unauthenticated(Request r, String sub) {
    return sub.equals("login");
  }

  @Override
  public boolean exists(String sub) {
    return !sub.startsWith("role/") || roles.containsKey(sub.substring(5));
  }

  @Override
  public Reply handle(Request r, String sub, Caller caller) {
    switch (sub) {
      case "login" -> {
        if (!r.is(Request.UPDATE)) {
          throw VaultError.unsupportedOperation();
        }
        return login(r.body());
      }
      case "config" -> {
        if (r.is(Request.READ)) {
          return Reply.data(config);
        }
        if (r.is(Request.UPDATE)) {
          config = r.body().deepCopy();
          return Reply.noContent();
        }
        throw VaultError.unsupportedOperation();
      }
      case "role" -> {
        if (!r.is(Request.LIST)) {
          throw VaultError.unsupportedOperation();
        }
        if (roles.isEmpty()) {
          throw VaultError.notFound();
        }
        return Reply.data(Json.object().set("keys", Json.array(roles.keySet())));
      }
      default -> {}
    }
    if (!sub.startsWith("role/")) {
      throw VaultError.multi(404, "unsupported path");
    }
    String name = sub.substring("role/".length());
    switch (r.operation()) {
      case Request.READ -> {
        Role role = roles.get(name);
        if (role == null) {
          throw VaultError.notFound();
        }
        ObjectNode d = Json.object();
        d.set("bound_service_account_names", Json.array(role.names()));
        d.set("bound_service_account_namespaces", Json.array(role.namespaces()));
        role.token().describe(d);
        return Reply.data(d);
      }
      case Request.UPDATE -> {
        ObjectNode b = r.body();
        List<String> names = Json.strings(b.get("bound_service_account_names"));
        List<String> namespaces = Json.strings(b.get("bound_service_account_namespaces"));
        if (names.isEmpty() || namespaces.isEmpty()) {
          throw VaultError.badRequest(
              "\"bound_service_account_names\" and \"bound_service_account_namespaces\" can not be empty");
        }
        roles.put(name, new Role(names, namespaces, LoginIssuer.TokenParams.parse(b)));
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
    String roleName = Json.text(b.get("role"), "");
    if (roleName.isEmpty()) {
      throw VaultError.badRequest("missing role");
    }
    String jwt = Json.text(b.get("jwt"), "");
    if (jwt.isEmpty()) {
      throw VaultError.badRequest("missing jwt");
    }
    Role role = roles.get(roleName);
    if (role == null) {
      throw VaultError.badRequest("invalid role name \"" + roleName + "\"");
    }
    ServiceAccount sa = reviewed.get(jwt);
    if (sa == null) {
      throw VaultError.permissionDenied();
    }
    if (!role.names().contains("*") && !role.names().contains(sa.name())) {
      throw VaultError.multi(403, "service account name not authorized");
    }
    if (!role.namespaces().contains("*") && !role.namespaces().contains(sa.namespace())) {
      throw VaultError.multi(403, "namespace not authorized");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("role", roleName);
    metadata.put("service_account_name", sa.name());
    metadata.put("service_account_namespace", sa.namespace());
    metadata.put("service_account_uid", sa.uid());
    return issuer.login(mount, role.token(), sa.uid(), roleName, metadata);
  }
}
