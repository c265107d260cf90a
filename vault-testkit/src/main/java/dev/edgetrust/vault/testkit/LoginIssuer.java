package dev.edgetrust.vault.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every auth method does on a successful login: an entity for the alias, a token, the answer.
 */
final class LoginIssuer {
  private final TokenStore tokens;
  private final Identity identity;

  LoginIssuer(TokenStore tokens, Identity identity) {
    this.tokens = tokens;
    this.identity = identity;
  }

  /** Token settings common to AppRole, cert and Kubernetes roles ({@code token_*} fields). */
  record TokenParams(
      List<String> policies, Duration ttl, Duration maxTtl, Duration period, int numUses) {
    static TokenParams parse(com.fasterxml.jackson.databind.node.ObjectNode b) {
      List<String> policies = new ArrayList<>(Json.strings(b.get("token_policies")));
      policies.addAll(Json.strings(b.get("policies")));
      return new TokenParams(
          List.copyOf(policies),
          GoDurations.parse(b.has("token_ttl") ? b.get("token_ttl") : b.get("ttl"), "token_ttl"),
          GoDurations.parse(
              b.has("token_max_ttl") ? b.get("token_max_ttl") : b.get("max_ttl"), "token_max_ttl"),
          GoDurations.parse(
              b.has("token_period") ? b.get("token_period") : b.get("period"), "token_period"),
          Json.integer(b.get("token_num_uses"), "token_num_uses", 0));
    }

    void describe(com.fasterxml.jackson.databind.node.ObjectNode d) {
      d.set("token_policies", Json.array(policies));
      d.put("token_ttl", ttl.toSeconds());
      d.put("token_max_ttl", maxTtl.toSeconds());
      d.put("token_period", period.toSeconds());
      d.put("token_num_uses", numUses);
    }
  }

  Reply login(
      MountEntry mount,
      TokenParams params,
      String aliasName,
      String displayName,
      Map<String, String> metadata) {
    Identity.Entity entity = identity.entityFor(mount.accessor, aliasName);
    Duration ttl = params.ttl().isZero() ? mount.effectiveDefault() : params.ttl();
    Duration max = params.maxTtl().isZero() ? mount.effectiveMax() : params.maxTtl();
    List<String> warnings = new ArrayList<>();
    TokenStore.Token token =
        tokens.create(
            new TokenStore.Spec(
                TokenStore.policies(params.policies(), true),
                ttl,
                Duration.ZERO,
                max,
                params.period(),
                true,
                mount.path + "-" + displayName,
                metadata,
                "auth/" + mount.path + "/login",
                entity.id(),
                params.numUses()),
            null,
            warnings);
    return Reply.json(Json.envelope(null, tokens.auth(token, metadata), warnings));
  }
}
