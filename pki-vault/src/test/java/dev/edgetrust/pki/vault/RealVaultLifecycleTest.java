package dev.edgetrust.pki.vault;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The device lifecycle scenarios against a real Vault, when VAULT_ADDR and VAULT_TOKEN name one;
 * skipped, saying how to run it, otherwise.
 */
class RealVaultLifecycleTest extends VaultLifecycleScenarios {
  @Override
  VaultTarget openTarget() {
    assumeTrue(RealVaultTarget.configured(), RealVaultTarget.HOW_TO_RUN);
    return new RealVaultTarget();
  }
}
