package dev.edgetrust.pki;

import java.util.Objects;

/**
 * What a PKI did to the credential a node renews or enrolls with, in words an operator reads in
 * {@code node block}/{@code unblock} output and the audit log.
 *
 * @param done what changed, e.g. "node edge-1 is on the built-in CA's blocklist; /edge.crt refuses
 *     it"
 * @param nextStep what the operator must do next, e.g. how to re-enroll the device; empty if
 *     nothing
 */
public record NodeCredentialChange(String done, String nextStep) {
  public NodeCredentialChange {
    Objects.requireNonNull(done, "done");
    nextStep = nextStep == null ? "" : nextStep;
  }
}
