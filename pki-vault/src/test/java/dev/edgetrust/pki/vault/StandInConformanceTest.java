package dev.edgetrust.pki.vault;

/** The conformance scenarios against the in-process Vault stand-in: always run. */
class StandInConformanceTest extends VaultConformanceScenarios {
  @Override
  VaultTarget openTarget() {
    return new StandInTarget();
  }
}
