package dev.edgetrust.cloudhub;

import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.IssuedSerialInventory;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.NodeCredentialChange;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.Revocation;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in CA behind knobs a test turns: a revocation list with a short nextUpdate, a list that
 * cannot be fetched, a PKI that keeps no per-node serials (as Vault keeps none), or one that only
 * signs ({@link #signOnly}: none of the optional capabilities, as CFSSL 1.2.0).
 */
final class StandInPki implements PkiProvider, Revocation, NodeBlocking, IssuedSerialInventory {
  final BuiltinCa ca;

  /** Whether this PKI offers revocation, blocking and an inventory at all. */
  private final boolean signsOnly;

  /** When set, revocationList() fails with this. */
  volatile PkiException listFailure;

  /** When set, the list's nextUpdate is this long after each fetch. */
  volatile Duration listValidity;

  /** The nextUpdate of the last list handed out. */
  volatile Instant lastNextUpdate;

  /** Whether issuedSerials() knows nothing, as with a PKI that keeps no inventory. */
  volatile boolean keepsNoInventory;

  StandInPki(BuiltinCa ca) {
    this(ca, false);
  }

  private StandInPki(BuiltinCa ca, boolean signsOnly) {
    this.ca = ca;
    this.signsOnly = signsOnly;
  }

  /** The built-in CA's signing and bootstrap, and none of its optional capabilities. */
  static StandInPki signOnly(BuiltinCa ca) {
    return new StandInPki(ca, true);
  }

  @Override
  public String name() {
    return signsOnly ? "sign-only" : "stand-in";
  }

  @Override
  public IssuedCertificate sign(SigningRequest request) throws PkiException {
    return ca.sign(request);
  }

  @Override
  public List<X509Certificate> trustAnchors() {
    return ca.trustAnchors();
  }

  @Override
  public Optional<BootstrapEnrollment> bootstrap() {
    return ca.bootstrap();
  }

  @Override
  public Optional<Revocation> revocation() {
    return signsOnly ? Optional.empty() : Optional.of(this);
  }

  @Override
  public Optional<NodeBlocking> blocking() {
    return signsOnly ? Optional.empty() : Optional.of(this);
  }

  @Override
  public Optional<IssuedSerialInventory> inventory() {
    return signsOnly ? Optional.empty() : Optional.of(this);
  }

  @Override
  public Instant revoke(BigInteger serial) throws PkiException {
    return ca.revoke(serial);
  }

  @Override
  public RevocationList revocationList() throws PkiException {
    PkiException failure = listFailure;
    if (failure != null) {
      throw failure;
    }
    RevocationList real = ca.revocationList();
    Duration validity = listValidity;
    if (validity == null) {
      return real;
    }
    Instant now = Instant.now();
    lastNextUpdate = now.plus(validity);
    return RevocationList.of(real.serials(), now, Optional.of(lastNextUpdate));
  }

  @Override
  public NodeCredentialChange blockNode(NodeName node) throws PkiException {
    return ca.blockNode(node);
  }

  @Override
  public NodeCredentialChange unblockNode(NodeName node) throws PkiException {
    return ca.unblockNode(node);
  }

  @Override
  public Set<NodeName> blockedNodes() {
    return ca.blockedNodes();
  }

  @Override
  public Set<BigInteger> issuedSerials(NodeName node) {
    return keepsNoInventory ? Set.of() : ca.issuedSerials(node);
  }
}
