package dev.edgetrust.pki.vault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.vault.StandInTarget;
import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.vault.testkit.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries and backoff against the stand-in's fault injection: what is retried, how often, and what
 * is not.
 */
class VaultClientRetryTest {
  private static final RetryPolicy THREE =
      new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40));
  private static StandInTarget target;
  private static VaultClient client;

  @BeforeAll
  static void start() {
    target = new StandInTarget();
    client = VaultClient.connect(target.connection().retryPolicy(THREE).build());
  }

  @AfterAll
  static void stop() {
    target.close();
  }

  @BeforeEach
  void reset() {
    target.vault.unseal();
    target.vault.standby(false);
    target.vault.latency(Duration.ZERO);
    target.vault.failNext(0, 500);
    target.vault.clearRequests();
  }

  private long attempts(String path) {
    return target.vault.requests().stream().map(RecordedRequest::path).filter(path::equals).count();
  }

  @Test
  void transient5xx_isRetried_untilVaultAnswers() throws Exception {
    target.vault.failNext(2, 503);

    VaultResponse response = client.read("sys/mounts", target.operator());

    assertThat(response.status()).isEqualTo(200);
    assertThat(attempts("sys/mounts")).isEqualTo(3);
  }

  @Test
  void persistent5xx_givesUpAfterMaxAttempts_asRetryable() {
    target.vault.failNext(10, 500);

    assertThatThrownBy(() -> client.read("sys/mounts", target.operator()))
        .isInstanceOf(PkiException.class)
        .hasMessage(
            "Vault at " + target.vault.address() + " failed (500 on sys/mounts: injected failure)")
        .matches(e -> ((PkiException) e).isRetryable());
    assertThat(attempts("sys/mounts")).isEqualTo(3);
  }

  @Test
  void sealedVault_isReportedAsSealed_afterRetries() {
    target.vault.seal();

    assertThatThrownBy(() -> client.read("sys/mounts", target.operator()))
        .hasMessage(
            "Vault at "
                + target.vault.address()
                + " is sealed or unavailable (503 on sys/mounts: Vault is sealed)")
        .matches(e -> ((PkiException) e).isRetryable());
    assertThat(attempts("sys/mounts")).isEqualTo(3);
  }

  @Test
  void standby429_isRetried_andExplained() {
    target.vault.standby(true);

    assertThatThrownBy(() -> client.read("sys/mounts", target.operator()))
        .hasMessageStartingWith(
            "Vault at "
                + target.vault.address()
                + " is a standby node or rate-limited (429 on sys/mounts")
        .matches(e -> ((PkiException) e).isRetryable());
    assertThat(attempts("sys/mounts")).isEqualTo(3);
  }

  @Test
  void clientErrors_areNeverRetried() {
    assertThatThrownBy(() -> client.write("sys/mounts/x", VaultClient.object(), target.operator()))
        .hasMessage("Vault refused sys/mounts/x: backend type must be specified as a string")
        .matches(e -> !((PkiException) e).isRetryable());
    assertThat(attempts("sys/mounts/x")).isEqualTo(1);
  }

  @Test
  void permissionDenied_isNeverRetried() {
    VaultCredential nobody = VaultCredentials.token("s.not-a-token", "test");

    assertThatThrownBy(() -> client.read("sys/mounts", nobody)).isInstanceOf(PkiException.class);
    assertThat(attempts("sys/mounts")).isEqualTo(1);
  }

  @Test
  void slowVault_timesOut_asRetryable() {
    target.vault.latency(Duration.ofMillis(1500));
    VaultClient impatient =
        VaultClient.connect(
            target
                .connection()
                .retryPolicy(RetryPolicy.NONE)
                .requestTimeout(Duration.ofMillis(300))
                .build());

    assertThatThrownBy(() -> impatient.read("sys/mounts", target.operator()))
        .hasMessage(
            "Vault at "
                + target.vault.address()
                + " did not answer GET sys/mounts within the timeout")
        .matches(e -> ((PkiException) e).isRetryable());
  }

  @Test
  void unreachableVault_isRetried_andReportedAsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    VaultClient nowhere =
        VaultClient.connect(
            VaultConnection.builder("https://127.0.0.1:" + port).retryPolicy(THREE).build());

    assertThatThrownBy(() -> nowhere.read("sys/mounts", target.operator()))
        .hasMessageStartingWith("cannot reach Vault at https://127.0.0.1:" + port)
        .matches(e -> ((PkiException) e).isRetryable());
  }

  @Test
  void untrustedServerCertificate_namesTheServerCaSetting() {
    VaultClient wrongCa =
        VaultClient.connect(
            VaultConnection.builder(target.vault.address()).retryPolicy(RetryPolicy.NONE).build());

    assertThatThrownBy(() -> wrongCa.read("sys/mounts", target.operator()))
        .hasMessageStartingWith("TLS handshake with Vault at " + target.vault.address() + " failed")
        .hasMessageEndingWith("check serverCA / VAULT_CACERT");
  }
}
