package dev.edgetrust.pki.vault;

import dev.edgetrust.pki.vault.auth.VaultCredentials;
import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import dev.edgetrust.vault.testkit.VaultStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The in-process Vault stand-in as a conformance target; public because the http and auth tests run
 * against it too.
 */
public final class StandInTarget implements VaultTarget {
  public final VaultStandIn vault;
  private final Path serverCa;

  public StandInTarget() {
    this(VaultStandIn.start());
  }

  StandInTarget(VaultStandIn vault) {
    this.vault = vault;
    try {
      Path dir = Files.createTempDirectory("vault-stand-in");
      this.serverCa = vault.writeServerCa(dir.resolve("vault-ca.pem"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path serverCaFile() {
    return serverCa;
  }

  @Override
  public VaultConnection.Builder connection() {
    return VaultConnection.builder(vault.address()).serverCa(serverCa);
  }

  @Override
  public VaultCredential operator() {
    return VaultCredentials.token(vault.rootToken(), "the stand-in's root token");
  }

  @Override
  public Instant now() {
    return vault.clock().instant();
  }

  @Override
  public void passTime(Duration d) {
    vault.clock().advance(d);
  }

  @Override
  public void close() {
    vault.close();
  }
}
