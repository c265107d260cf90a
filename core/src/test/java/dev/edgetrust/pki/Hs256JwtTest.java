package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Hs256JwtTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Hs256Jwt JWT = new Hs256Jwt(KEY);

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void signedClaims_verifyWithTheSameKey_inCloudcoresShape() throws Exception {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("exp", 1_700_000_000L);
    claims.put("node", "edge-1");
    String token = JWT.sign(claims);

    assertThat(token)
        .startsWith(
            b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")
                + "."
                + b64("{\"exp\":1700000000,\"node\":\"edge-1\"}")
                + ".");
    assertThat(JWT.verify(token).path("node").asText()).isEqualTo("edge-1");
  }

  @Test
  void anotherKeysToken_orAnAlteredPayload_isRefused() {
    String theirs =
        new Hs256Jwt("another key, another CloudHub...".getBytes(StandardCharsets.US_ASCII))
            .sign(Map.of("exp", 1L));
    String[] ours = JWT.sign(Map.of("exp", 1L)).split("\\.");

    assertThatThrownBy(() -> JWT.verify(theirs))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "join token signature does not verify (minted by another CloudHub, or altered)");
    assertThatThrownBy(
            () -> JWT.verify(ours[0] + "." + b64("{\"exp\":99999999999}") + "." + ours[2]))
        .hasMessageContaining("does not verify");
  }

  @Test
  void anotherAlgorithm_isRefusedBeforeAnyMac() {
    String none = b64("{\"alg\":\"none\"}") + "." + b64("{\"exp\":1}") + ".";

    assertThatThrownBy(() -> JWT.verify(none)).hasMessage("join token algorithm must be HS256");
  }

  @Test
  void malformedTokens_areRefusedNamingThePart_neverQuotingIt() {
    assertThatThrownBy(() -> JWT.verify("")).hasMessage("no join token presented");
    assertThatThrownBy(() -> JWT.verify("a.b"))
        .hasMessage("join token is malformed (expected header.payload.signature)");
    assertThatThrownBy(() -> JWT.verify("x".repeat(5000))).hasMessage("join token is too long");
    assertThatThrownBy(() -> JWT.verify("secret!.b.c"))
        .hasMessage("join token header is not base64url JSON");
    assertThatThrownBy(() -> JWT.verify(b64("[1]") + ".b.c"))
        .hasMessage("join token header is not a JSON object");
    String header = b64("{\"alg\":\"HS256\"}");
    assertThatThrownBy(() -> JWT.verify(header + ".b.sig*"))
        .hasMessage("join token signature is not base64url");
  }
}
