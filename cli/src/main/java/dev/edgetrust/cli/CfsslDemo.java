package dev.edgetrust.cli;

import dev.edgetrust.cfssl.testkit.CfsslServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./edgetrust demo --pki cfssl}: the demo's script ({@link Demo}) on a CloudHub whose PKI is
 * a real {@code cfssl serve} started here on loopback, with its own CA made by {@code cfssl genkey
 * -initca}. Nodes enroll and renew at the CloudHub's {@code /edge.crt} with join tokens; the
 * CloudHub signs through CFSSL's authsign. Wiring about CFSSL only, as {@link VaultDemo} is about
 * Vault.
 */
final class CfsslDemo {
  /** CFSSL 1.2.0 dates certificates to the minute: shorter node certificates cannot be made. */
  static final Duration MIN_LIFETIME = Duration.ofMinutes(2);

  private CfsslDemo() {}

  /**
   * Runs the demo with node certificates of {@code lifetime} (whole minutes, at least two).
   *
   * @return whether every step held
   * @throws UserErrors.UserException if {@code cfssl} is not installed
   */
  static boolean run(PrintStream out, Duration lifetime) throws Exception {
    return DemoScript.inScratchDirectory("edgetrust-cfssl-", dir -> run(out, lifetime, dir));
  }

  private static boolean run(PrintStream out, Duration lifetime, Path dir) throws Exception {
    CfsslServer cfssl;
    try {
      cfssl = CfsslServer.startForNodeLifetime(dir.resolve("cfssl"), lifetime);
    } catch (IllegalStateException e) {
      throw new UserErrors.UserException("demo --pki cfssl: " + e.getMessage());
    }
    try (cfssl) {
      out.println(
          "cfssl serve on "
              + cfssl.address()
              + ": its own CA (cfssl genkey -initca), profile 'node' (client"
              + " auth, "
              + lifetime.toMinutes()
              + " min, authsign), profile 'server' for the CloudHub");
      String section =
          "        address: "
              + cfssl.address()
              + "\n"
              + "        authKeyFile: "
              + cfssl.authKeyFile()
              + "\n";
      return new Demo(out, lifetime, new Demo.DemoPki("cfssl", section, "CFSSL")).run();
    }
  }
}
