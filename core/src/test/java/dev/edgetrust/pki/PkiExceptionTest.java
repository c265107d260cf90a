package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PkiExceptionTest {
  @Test
  void refusal_isNotRetryable() {
    PkiException refused = PkiException.refused("role does not allow system:node:x");
    assertThat(refused.isRetryable()).isFalse();
    assertThat(refused).hasMessage("role does not allow system:node:x").hasNoCause();
  }

  @Test
  void unavailability_isRetryableAndKeepsTheCause() {
    IOException cause = new IOException("connection refused");
    PkiException unavailable = PkiException.unavailable("vault is sealed", cause);
    assertThat(unavailable.isRetryable()).isTrue();
    assertThat(unavailable).hasMessage("vault is sealed").hasCause(cause);
  }
}
