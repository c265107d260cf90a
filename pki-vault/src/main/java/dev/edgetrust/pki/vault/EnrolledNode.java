package dev.edgetrust.pki.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.vault.http.VaultClient;
import dev.edgetrust.pki.vault.http.VaultDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code enroll} made for a node, kept in Vault itself (a KV version 1 entry {@code <state
 * mount>/<pki mount>/nodes/<NAME>}, see {@link NodeRecords}) so that any CloudHub replica, after
 * any restart, can block the node's every credential and unblock it with exactly the enrolled
 * parameters. It holds no secret: token accessors only.
 *
 * @param auth how the device logs in to Vault
 * @param certificateTtl the node role's default certificate lifetime
 * @param certificateMaxTtl the node role's cap on a certificate's lifetime
 * @param keyType the node role's key type ({@code ec}, {@code rsa})
 * @param keyBits the node role's key size
 * @param tokenAccessors the accessors of the tokens enrollment created for the device
 * @param appRoleMount the AppRole mount of the node's role (for {@link Auth#APPROLE})
 * @param certMount the cert auth mount of the node's entry (for {@link Auth#CERT})
 */
public record EnrolledNode(
    NodeName node,
    Auth auth,
    Duration certificateTtl,
    Duration certificateMaxTtl,
    String keyType,
    int keyBits,
    List<String> tokenAccessors,
    String appRoleMount,
    String certMount) {

  /** How an enrolled device logs in to Vault. */
  public enum Auth {
    /** A token (renewed by the device). */
    TOKEN,
    /** An AppRole role_id + secret_id. */
    APPROLE,
    /** Its current certificate (auth/cert), after a first certificate obtained with a token. */
    CERT;

    /** {@code token}, {@code approle}, {@code cert}: the word of the CLI's {@code --auth}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The value for a word of {@link #word()}. */
    public static Auth of(String word) {
      for (Auth a : values()) {
        if (a.word().equals(word)) {
          return a;
        }
      }
      throw new IllegalArgumentException("must be token, approle or cert, not '" + word + "'");
    }
  }

  public EnrolledNode {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(certificateTtl, "certificateTtl");
    Objects.requireNonNull(certificateMaxTtl, "certificateMaxTtl");
    Objects.requireNonNull(keyType, "keyType");
    tokenAccessors = List.copyOf(tokenAccessors);
    Objects.requireNonNull(appRoleMount, "appRoleMount");
    Objects.requireNonNull(certMount, "certMount");
  }

  /** This record with one more token accessor. */
  public EnrolledNode withAccessor(String accessor) {
    List<String> accessors = new ArrayList<>(tokenAccessors);
    if (!accessor.isEmpty() && !accessors.contains(accessor)) {
      accessors.add(accessor);
    }
    return new EnrolledNode(
        node,
        auth,
        certificateTtl,
        certificateMaxTtl,
        keyType,
        keyBits,
        accessors,
        appRoleMount,
        certMount);
  }

  /** This record with no token accessors: they were revoked. */
  public EnrolledNode withoutAccessors() {
    return new EnrolledNode(
        node,
        auth,
        certificateTtl,
        certificateMaxTtl,
        keyType,
        keyBits,
        List.of(),
        appRoleMount,
        certMount);
  }

  /** The entry's JSON, as written to the KV mount. */
  ObjectNode toJson() {
    ObjectNode o = VaultClient.object();
    o.put("auth", auth.word());
    o.put("certificate_ttl", VaultDurations.format(certificateTtl));
    o.put("certificate_max_ttl", VaultDurations.format(certificateMaxTtl));
    o.put("key_type", keyType);
    o.put("key_bits", keyBits);
    tokenAccessors.forEach(o.putArray("token_accessors")::add);
    if (!o.has("token_accessors")) {
      o.putArray("token_accessors");
    }
    o.put("approle_mount", appRoleMount);
    o.put("cert_mount", certMount);
    return o;
  }

  /**
   * Reads an entry written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  static EnrolledNode fromJson(NodeName node, JsonNode o) {
    List<String> accessors = new ArrayList<>();
    o.path("token_accessors").forEach(a -> accessors.add(a.asText()));
    return new EnrolledNode(
        node,
        Auth.of(required(o, "auth")),
        VaultDurations.parse(required(o, "certificate_ttl"), "certificate_ttl"),
        VaultDurations.parse(required(o, "certificate_max_ttl"), "certificate_max_ttl"),
        required(o, "key_type"),
        o.path("key_bits").asInt(0),
        accessors,
        o.path("approle_mount").asText("approle"),
        o.path("cert_mount").asText("cert"));
  }

  private static String required(JsonNode o, String field) {
    String value = o.path(field).asText("");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("field '" + field + "' is missing");
    }
    return value;
  }
}
