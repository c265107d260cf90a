package dev.edgetrust.pki.vault.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.pki.vault.http.VaultDurations;
import dev.edgetrust.pki.vault.http.VaultResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Vault's token store for a token's own holder ({@code *-self}) and for an operator (by accessor).
 */
public final class VaultTokens {
  private final VaultClient client;
  private final Clock clock;

  public VaultTokens(VaultClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public VaultClient client() {
    return client;
  }

  /**
   * {@code GET auth/token/lookup-self}.
   *
   * @throws PkiException naming the token's source and what to do if it is expired or revoked
   */
  public TokenInfo lookupSelf(VaultCredential credential) throws PkiException {
    return TokenInfo.fromLookup(client.read("auth/token/lookup-self", credential).data());
  }

  /**
   * {@code POST auth/token/renew-self}: extends the token by {@code increment} (Vault's default,
   * the token's original TTL, if empty). Vault may grant less, up to the token's max TTL.
   *
   * @return the token as renewed; its {@link TokenInfo#ttl()} is the lease Vault granted
   */
  public Renewal renewSelf(VaultCredential credential, Optional<Duration> increment)
      throws PkiException {
    ObjectNode body = VaultClient.object();
    increment.ifPresent(i -> body.put("increment", VaultDurations.format(i)));
    VaultResponse response = client.write("auth/token/renew-self", body, credential);
    VaultAuth auth = VaultAuth.parse(response.auth().orElse(null), "auth/token/renew-self");
    TokenInfo info =
        new TokenInfo(
            auth.accessor(),
            "",
            auth.policies(),
            auth.leaseDuration(),
            auth.renewable(),
            auth.leaseDuration().isZero()
                ? Optional.empty()
                : Optional.of(clock.instant().plus(auth.leaseDuration())));
    return new Renewal(info, response.warnings());
  }

  /** {@code POST auth/token/revoke-self}: the token (and its children) stop working at once. */
  public void revokeSelf(VaultCredential credential) throws PkiException {
    client.write("auth/token/revoke-self", VaultClient.object(), credential);
  }

  /**
   * {@code POST auth/token/revoke-accessor}: an operator revokes a token it only knows the accessor
   * of.
   */
  public void revokeAccessor(String accessor, VaultCredential operator) throws PkiException {
    ObjectNode body = VaultClient.object();
    body.put("accessor", accessor);
    client.write("auth/token/revoke-accessor", body, operator);
  }

  /**
   * {@code POST auth/token/lookup-accessor}: what an operator may know of a token by its accessor.
   */
  public TokenInfo lookupAccessor(String accessor, VaultCredential operator) throws PkiException {
    ObjectNode body = VaultClient.object();
    body.put("accessor", accessor);
    return TokenInfo.fromLookup(client.write("auth/token/lookup-accessor", body, operator).data());
  }

  /**
   * The result of a renewal.
   *
   * @param token the token as renewed
   * @param warnings what Vault said, e.g. that the TTL was capped at the token's max TTL
   */
  public record Renewal(TokenInfo token, java.util.List<String> warnings) {
    public Renewal {
      warnings = java.util.List.copyOf(warnings);
    }
  }
}
