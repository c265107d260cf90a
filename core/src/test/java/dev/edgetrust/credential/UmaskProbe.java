package dev.edgetrust.credential;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run in a child JVM started under a chosen umask (a JVM cannot change its own): writes one secret
 * and one public file with {@link AtomicFile} so that the test can check their modes.
 */
public final class UmaskProbe {
  private UmaskProbe() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    AtomicFile.writeSecret(
        root.resolve("secrets/edge/key.pem"), "secret\n".getBytes(StandardCharsets.US_ASCII));
    AtomicFile.writePublic(
        root.resolve("public/certs/cert.pem"), "public\n".getBytes(StandardCharsets.US_ASCII));
  }
}
