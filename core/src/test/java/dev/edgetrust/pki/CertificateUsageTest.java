package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateUsageTest {
  @ParameterizedTest
  @ValueSource(strings = {"client auth", "Client Auth", " clientauth ", "ClientAuth", "2"})
  void clientAuthSpellings_parse(String text) {
    assertThat(CertificateUsage.parse(text)).isEqualTo(CertificateUsage.CLIENT_AUTH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"server auth", "SERVER AUTH", "serverauth", "1"})
  void serverAuthSpellings_parse(String text) {
    assertThat(CertificateUsage.parse(text)).isEqualTo(CertificateUsage.SERVER_AUTH);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "code signing", "any", "0", "3", "client  auth", "clientAuth,serverAuth"})
  void otherUsages_areRefused(String text) {
    assertThatThrownBy(() -> CertificateUsage.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported key usage")
        .hasMessageContaining("allowed: client auth, server auth");
  }

  @Test
  void refusal_doesNotEchoControlCharacters() {
    assertThatThrownBy(() -> CertificateUsage.parse("evil\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("\r", "\n");
  }

  @Test
  void oidsAndNames_areTheRfc5280OnesAndKubernetesSpelling() {
    assertThat(CertificateUsage.CLIENT_AUTH.oid()).isEqualTo("1.3.6.1.5.5.7.3.2");
    assertThat(CertificateUsage.SERVER_AUTH.oid()).isEqualTo("1.3.6.1.5.5.7.3.1");
    assertThat(CertificateUsage.CLIENT_AUTH).hasToString("client auth");
    assertThat(CertificateUsage.parse(CertificateUsage.SERVER_AUTH.toString()))
        .isEqualTo(CertificateUsage.SERVER_AUTH);
  }
}
