package dev.edgetrust.pki.vault.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.pki.vault.http.VaultDurations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Vault says about a token ({@code auth/token/lookup-self}): never the token itself.
 *
 * @param accessor the token's accessor: safe to log, and what an operator revokes it by
 * @param displayName Vault's display name ({@code token-edgetrust-node-a})
 * @param policies the policies it carries
 * @param ttl the time it has left; zero for a token that never expires (root)
 * @param renewable whether {@code renew-self} can extend it
 * @param expireTime when it expires, if it does
 */
public record TokenInfo(
    String accessor,
    String displayName,
    List<String> policies,
    Duration ttl,
    boolean renewable,
    Optional<Instant> expireTime) {

  public TokenInfo {
    Objects.requireNonNull(accessor, "accessor");
    Objects.requireNonNull(displayName, "displayName");
    policies = List.copyOf(policies);
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(expireTime, "expireTime");
  }

  /** Parses the {@code data} of a lookup answer. */
  static TokenInfo fromLookup(JsonNode data) {
    List<String> policies = new ArrayList<>();
    data.path("policies").forEach(p -> policies.add(p.asText()));
    Optional<Instant> expire = Optional.empty();
    JsonNode e = data.path("expire_time");
    if (e.isTextual() && !e.asText().isEmpty()) {
      try {
        expire = Optional.of(OffsetDateTime.parse(e.asText()).toInstant());
      } catch (DateTimeParseException ignored) {
        // Leave it out; ttl says the same in seconds.
      }
    }
    return new TokenInfo(
        data.path("accessor").asText(""),
        data.path("display_name").asText(""),
        policies,
        VaultDurations.parse(data.path("ttl"), "ttl"),
        data.path("renewable").asBoolean(false),
        expire);
  }

  /** Whether the token expires at all (root and some periodic setups do not). */
  public boolean expires() {
    return !ttl.isZero();
  }

  @Override
  public String toString() {
    return "token accessor "
        + accessor
        + " ("
        + displayName
        + "), ttl "
        + ttl
        + ", policies "
        + policies
        + (renewable ? ", renewable" : ", not renewable");
  }
}
