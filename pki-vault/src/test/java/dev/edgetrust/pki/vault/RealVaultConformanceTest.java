package dev.edgetrust.pki.vault;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance scenarios against a real Vault, when VAULT_ADDR and VAULT_TOKEN name one (a dev
 * server is enough: {@code vault server -dev}); skipped, saying how to run it, otherwise.
 */
class RealVaultConformanceTest extends VaultConformanceScenarios {
  @Override
  VaultTarget openTarget() {
    assumeTrue(RealVaultTarget.configured(), RealVaultTarget.HOW_TO_RUN);
    return new RealVaultTarget();
  }
}
