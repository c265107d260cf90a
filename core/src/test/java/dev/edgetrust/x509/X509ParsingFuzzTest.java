package dev.edgetrust.x509;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever bytes arrive as a certificate, a PEM file, a private key or a CSR, the parsers either
 * return a value or refuse with {@link IllegalArgumentException}: no other exception, no hang, no
 * allocation beyond the input's size. These are the bytes a node sends to {@code /edge.crt}, a
 * CloudHub serves at {@code /ca.crt}, and an operator points {@code tlsCertFile} at.
 *
 * <p>The first byte picks the parser, so one corpus exercises all of them. {@code mvn -Pfuzz}
 * fuzzes it for a few seconds; a normal build replays the seeds in {@code
 * X509ParsingFuzzTestInputs/parsersRefuseCleanly}.
 */
class X509ParsingFuzzTest {

  // The JUnit timeout is also Jazzer's per-input timeout: an input that takes this long is a hang.
  @FuzzTest(maxDuration = "10s")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void parsersRefuseCleanly(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    String text = new String(rest, StandardCharsets.ISO_8859_1);
    try {
      switch (Byte.toUnsignedInt(input[0]) % 5) {
        case 0 -> assertThat(Certificates.parseDer(rest)).isNotNull();
        case 1 -> assertThat(Pem.parseCertificates(rest)).isNotEmpty();
        case 2 -> assertThat(Pem.parsePrivateKey(text)).isNotNull();
        case 3 -> {
          Csr csr = Csr.parseDer(rest);
          // A CSR that parsed is one we can hand on: its re-encoding parses to the same key.
          assertThat(Csr.parseDer(csr.der()).publicKey()).isEqualTo(csr.publicKey());
        }
        default -> assertThat(Csr.parsePem(text)).isNotNull();
      }
    } catch (IllegalArgumentException refused) {
      // The documented refusal; its message must be one a log line can carry.
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
