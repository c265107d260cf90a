package dev.edgetrust.edgehub.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import java.net.ConnectException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * What the edge reads into a failed connection: only the CloudHub's certificate alert is a refusal.
 */
class CredentialVerdictTest {
  @Test
  void certificateAlertFromTheCloudHub_isARefusal_howeverItArrives() {
    assertThat(
            FailureDescriber.verdict(
                new SSLHandshakeException("Received fatal alert: certificate_unknown")))
        .isEqualTo(CredentialVerdict.REFUSED);
    // TLS 1.3: after this side's handshake, on a read, wrapped by the decoder.
    assertThat(
            FailureDescriber.verdict(
                new DecoderException(
                    new SSLException("Received fatal alert: certificate_revoked"))))
        .isEqualTo(CredentialVerdict.REFUSED);
  }

  @Test
  void thisNodeRefusingTheCloudHub_orTheNetwork_isNoVerdictOnItsOwnCertificate() {
    assertThat(FailureDescriber.verdict(new SSLHandshakeException("PKIX path building failed")))
        .isEqualTo(CredentialVerdict.NONE);
    assertThat(
            FailureDescriber.verdict(
                new SSLHandshakeException("Received fatal alert: handshake_failure")))
        .isEqualTo(CredentialVerdict.NONE);
    assertThat(FailureDescriber.verdict(new ConnectException("Connection refused")))
        .isEqualTo(CredentialVerdict.NONE);
  }
}
