package dev.edgetrust.pki.vault;

/** The shared provider scenarios against the in-process Vault stand-in: always run. */
class StandInProviderConformanceTest extends VaultProviderConformance {
  @Override
  VaultTarget openTarget() {
    return new StandInTarget();
  }
}
