package dev.edgetrust.pki.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Vault's {@code expiration}: a JSON number from most versions, a quoted string from some. */
class VaultExpirationTest {
  @Test
  void number_isUnixSeconds() {
    assertThat(VaultExpiration.parse(LongNode.valueOf(1893456000L)))
        .isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(VaultExpiration.parse(IntNode.valueOf(0))).isEqualTo(Instant.EPOCH);
  }

  @Test
  void quotedString_isUnixSecondsToo() {
    assertThat(VaultExpiration.parse(TextNode.valueOf("1893456000")))
        .isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(VaultExpiration.parse(TextNode.valueOf(" 1893456000 ")))
        .isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Test
  void anythingElse_isRefusedWithTheValue() {
    assertThatThrownBy(() -> VaultExpiration.parse(TextNode.valueOf("2030-01-01T00:00:00Z")))
        .hasMessage("expiration \"2030-01-01T00:00:00Z\" is not Unix seconds");
    assertThatThrownBy(() -> VaultExpiration.parse(TextNode.valueOf("")))
        .hasMessage("expiration \"\" is not Unix seconds");
    assertThatThrownBy(() -> VaultExpiration.parse(MissingNode.getInstance()))
        .hasMessage("expiration is missing");
    assertThatThrownBy(
            () ->
                VaultExpiration.parse(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(1.5)))
        .hasMessage("expiration 1.5 is not Unix seconds");
  }
}
