package dev.edgetrust.pki.vault;

/** The device lifecycle scenarios against the in-process Vault stand-in: always run. */
class StandInLifecycleTest extends VaultLifecycleScenarios {
  @Override
  VaultTarget openTarget() {
    return new StandInTarget();
  }
}
