package dev.edgetrust.pki.builtin;

import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.PkiProviderConformance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared provider scenarios against the built-in CA, with its state on disk. */
class BuiltinConformanceTest extends PkiProviderConformance {
  private BuiltinCa ca;

  @BeforeAll
  void createCa() throws Exception {
    Path dir = Files.createTempDirectory("builtin-conformance");
    ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key")),
            Clock.systemUTC());
  }

  @AfterAll
  void closeCa() {
    if (ca != null) {
      ca.close();
    }
  }

  @Override
  protected PkiProvider provider() {
    return ca;
  }
}
