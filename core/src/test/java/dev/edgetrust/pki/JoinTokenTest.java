package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JoinTokenTest {
  private static final String HASH = "0123456789abcdef".repeat(4);

  @Test
  void wellFormedToken_splitsIntoCaHashAndJwt_andToStringHidesTheJwt() {
    JoinToken token = JoinToken.parse(HASH + ".aaa.bbb.secret  \n");

    assertThat(token.caHash()).isEqualTo(HASH);
    assertThat(token.jwt()).isEqualTo("aaa.bbb.secret");
    assertThat(token.toString())
        .contains(HASH.substring(0, 12))
        .doesNotContain("secret")
        .doesNotContain("aaa");
  }

  @Test
  void tokenWithoutTheCaHash_isRefusedCountingParts() {
    assertThatThrownBy(() -> JoinToken.parse("aaa.bbb.secret"))
        .hasMessageContaining("4 dot-separated parts")
        .hasMessageContaining("found 3")
        .hasMessageNotContaining("secret");
  }

  @Test
  void caHashThatIsNotSha256Hex_isRefused() {
    assertThatThrownBy(() -> JoinToken.parse("abc.aaa.bbb.secret"))
        .hasMessageContaining("64 hex digits");
  }

  @Test
  void of_formatsTheKubeEdgeShape_thatParseReadsBack() {
    JoinToken token = JoinToken.of(HASH.toUpperCase(java.util.Locale.ROOT), "aaa.bbb.secret");

    assertThat(token.value()).isEqualTo(HASH + ".aaa.bbb.secret");
    assertThat(JoinToken.parse(token.value())).isEqualTo(token);
    assertThat(token.toString()).doesNotContain("secret");
  }

  @Test
  void expiresAt_isTheUnverifiedExpClaim_orEmpty() {
    String payload =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                "{\"exp\":1700000000}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    assertThat(JoinToken.of(HASH, "aaa." + payload + ".sig").expiresAt())
        .contains(java.time.Instant.ofEpochSecond(1_700_000_000L));
    assertThat(JoinToken.of(HASH, "aaa.bbb.sig").expiresAt()).isEmpty();
  }
}
