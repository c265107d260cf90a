package dev.edgetrust.x509;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key generation. Keys are made on the machine that uses them and never leave it. */
public final class Keys {
  private Keys() {}

  /** A new ECDSA P-256 key pair, the kind KubeEdge uses for every certificate. */
  public static KeyPair newP256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JRE cannot generate P-256 keys", e);
    }
  }

  /** The JCA signature algorithm for a private key of this kind. */
  public static String signatureAlgorithm(java.security.PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default ->
          throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    };
  }
}
