package dev.edgetrust.pki.vault;

import dev.edgetrust.pki.vault.http.VaultConnection;
import dev.edgetrust.pki.vault.http.VaultCredential;
import java.time.Duration;
import java.time.Instant;

/** A Vault the conformance scenarios run against: the in-process stand-in, or a real server. */
interface VaultTarget extends AutoCloseable {
  /** Settings to reach it; tests add their own retry policy. */
  VaultConnection.Builder connection();

  /** A token that may do anything (a dev server's root token). */
  VaultCredential operator();

  /** What time it is for this Vault. */
  Instant now();

  /**
   * Lets {@code d} pass for this Vault if it can be made to (the stand-in's clock); a real Vault
   * lets time pass on its own, and scenarios await the outcome.
   */
  void passTime(Duration d);

  @Override
  void close();
}
