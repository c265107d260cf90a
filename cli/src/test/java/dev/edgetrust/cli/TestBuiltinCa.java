package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import java.time.Clock;

/**
 * The built-in CA of a cloudcore.yaml's CA files, as the built-in factory loads it: for tests that
 * need the CA itself.
 */
final class TestBuiltinCa {
  private TestBuiltinCa() {}

  static BuiltinCa load(CloudHubSettings settings) throws Exception {
    return BuiltinCa.loadOrCreate(
        BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()), Clock.systemUTC());
  }
}
