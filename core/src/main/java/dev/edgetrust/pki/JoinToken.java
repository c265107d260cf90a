package dev.edgetrust.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A KubeEdge join token: {@code <hex sha256 of the CA certificate's DER>.<JWT>}, as {@code keadm
 * gettoken} prints it and edgecore reads it. One value for both sides: the CA side mints one with
 * {@link #of}, the edge reads one with {@link #parse}.
 *
 * <p>The first part lets a node trust the CA it downloads without trusting the network; the JWT
 * authorizes its first certificate request. The token is a secret: {@link #toString()} shows only
 * the CA hash, never the JWT.
 */
public final class JoinToken {
  private static final Pattern CA_HASH = Pattern.compile("[0-9a-fA-F]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JWT_PART = Pattern.compile("[A-Za-z0-9_-]+");

  private final String caHash;
  private final String jwt;

  private JoinToken(String caHash, String jwt) {
    this.caHash = caHash;
    this.jwt = jwt;
  }

  /**
   * The token for the CA whose certificate hashes to {@code caHash} and the JWT {@code jwt}.
   *
   * @throws IllegalArgumentException if the parts do not make a token {@link #parse} would read
   */
  public static JoinToken of(String caHash, String jwt) {
    return parse(caHash + "." + jwt);
  }

  /**
   * Parses a join token.
   *
   * @throws IllegalArgumentException if it is not four dot-separated parts (the CA hash and the
   *     three parts of a JWT); the message never contains the token
   */
  public static JoinToken parse(String token) {
    Objects.requireNonNull(token, "token");
    String[] parts = token.strip().split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "is not a KubeEdge join token: expected <CA sha256 hex>.<JWT> (4 dot-separated parts), found "
              + parts.length
              + " part"
              + (parts.length == 1 ? "" : "s"));
    }
    if (!CA_HASH.matcher(parts[0]).matches()) {
      throw new IllegalArgumentException(
          "is not a KubeEdge join token: its first part must be the CA's sha256 as 64 hex digits");
    }
    for (int i = 1; i < 4; i++) {
      if (!JWT_PART.matcher(parts[i]).matches()) {
        throw new IllegalArgumentException(
            "is not a KubeEdge join token: part "
                + (i + 1)
                + " is not base64url (a JWT was expected)");
      }
    }
    return new JoinToken(
        parts[0].toLowerCase(java.util.Locale.ROOT), parts[1] + "." + parts[2] + "." + parts[3]);
  }

  /** The CA certificate's SHA-256, lowercase hex. Not secret. */
  public String caHash() {
    return caHash;
  }

  /** The CA certificate's SHA-256. Not secret. */
  public byte[] caHashBytes() {
    return HexFormat.of().parseHex(caHash);
  }

  /**
   * When the token stops being accepted: the JWT's {@code exp} claim, read without checking the
   * signature (only the CloudHub can, and it does). Empty if the claim is missing or unreadable.
   * Not secret.
   */
  public Optional<Instant> expiresAt() {
    try {
      byte[] payload = Base64.getUrlDecoder().decode(jwt.split("\\.", -1)[1]);
      JsonNode exp = JSON.readTree(payload).path("exp");
      return exp.canConvertToLong()
          ? Optional.of(Instant.ofEpochSecond(exp.asLong()))
          : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The JWT, for the {@code Authorization: Bearer} header and its verification only. Never log it.
   */
  public String jwt() {
    return jwt;
  }

  /** The whole token, for a token file or {@code modules.edgeHub.token}. Never log it. */
  public String value() {
    return caHash + "." + jwt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JoinToken other && other.caHash.equals(caHash) && other.jwt.equals(jwt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(caHash, jwt);
  }

  /** Names the CA the token pins; never shows the JWT. */
  @Override
  public String toString() {
    return "JoinToken[ca sha256 " + caHash.substring(0, 12) + "…]";
  }
}
