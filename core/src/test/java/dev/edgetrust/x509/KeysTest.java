package dev.edgetrust.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void newP256_isAnEcKeyOnTheP256Curve() {
    KeyPair pair = Keys.newP256();
    ECPublicKey key = (ECPublicKey) pair.getPublic();
    assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    // The P-256 order, from SEC 2 / FIPS 186-4.
    assertThat(key.getParams().getOrder().toString(16))
        .isEqualTo("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    assertThat(Keys.newP256().getPublic()).isNotEqualTo(pair.getPublic());
  }

  @Test
  void signatureAlgorithm_followsTheKeyKind() throws Exception {
    assertThat(Keys.signatureAlgorithm(Keys.newP256().getPrivate())).isEqualTo("SHA256withECDSA");
    assertThat(Keys.signatureAlgorithm(TestCertificates.rsa(2048).getPrivate()))
        .isEqualTo("SHA256withRSA");
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThatThrownBy(() -> Keys.signatureAlgorithm(ed.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported key algorithm EdDSA");
  }
}
