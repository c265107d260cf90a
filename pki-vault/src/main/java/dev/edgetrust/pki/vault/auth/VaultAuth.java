package dev.edgetrust.pki.vault.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.VaultDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code auth} block of a login, token-create or renew answer. {@link #toString()} never shows
 * the token.
 */
public record VaultAuth(
    String clientToken,
    String accessor,
    List<String> policies,
    Duration leaseDuration,
    boolean renewable) {

  public VaultAuth {
    policies = List.copyOf(policies);
  }

  /**
   * @throws PkiException (refused) if {@code auth} has no client token
   */
  public static VaultAuth parse(JsonNode auth, String path) throws PkiException {
    if (auth == null
        || !auth.path("client_token").isTextual()
        || auth.path("client_token").asText().isEmpty()) {
      throw PkiException.refused("Vault's answer to " + path + " carries no auth.client_token");
    }
    List<String> policies = new ArrayList<>();
    JsonNode p = auth.has("policies") ? auth.path("policies") : auth.path("token_policies");
    p.forEach(n -> policies.add(n.asText()));
    return new VaultAuth(
        auth.path("client_token").asText(),
        auth.path("accessor").asText(""),
        policies,
        VaultDurations.parse(auth.path("lease_duration"), "auth.lease_duration"),
        auth.path("renewable").asBoolean(false));
  }

  @Override
  public String toString() {
    return "VaultAuth[accessor "
        + accessor
        + ", policies "
        + policies
        + ", lease "
        + leaseDuration
        + (renewable ? ", renewable" : "")
        + "]";
  }
}
