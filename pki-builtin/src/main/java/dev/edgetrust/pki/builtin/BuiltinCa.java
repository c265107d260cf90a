package dev.edgetrust.pki.builtin;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.IssuedSerialInventory;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.JoinTokenUse;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeBlocking;
import dev.edgetrust.pki.NodeCredentialChange;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.Revocation;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.jointoken.TokenEnrollment;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.SerialNumbers;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in certificate authority, the default provider: behaves like KubeEdge's CloudHub CA
 * (ECDSA P-256, join tokens, {@code /ca.crt} and {@code /edge.crt}) with no external service.
 *
 * <p>It signs exactly the subject, usages and names of the {@link SigningRequest}; the CSR
 * contributes its public key only ({@link CertificateMinter} builds the certificate; this class
 * decides whether it may and records what it signed).
 *
 * <p>Revocation and blocking live in its state directory, beside the CA key: a CRL signed by the CA
 * key, a blocklist of nodes it refuses to sign for, and the serials it issued per node (what a
 * block revokes). Each is replaced atomically on every change, so blocks survive restarts. The ids
 * of node-bound join tokens that have been used are kept there too, the same way.
 */
public final class BuiltinCa
    implements PkiProvider, BootstrapEnrollment, Revocation, NodeBlocking, IssuedSerialInventory {
  private static final Logger log = LoggerFactory.getLogger(BuiltinCa.class);

  private final HeldCertificate ca;

  /** Join tokens, their secret and their used ids: the bootstrap any signing PKI can offer. */
  private final TokenEnrollment tokens;

  /** cloudcore's join tokens, keyed with this CA's key: accepted in migration mode only. */
  private final CloudcoreJoinTokens cloudcoreTokens;

  private final Clock clock;
  private final CertificateMinter minter;

  /**
   * Guards the revocation state, and signing for nodes, so that a block and a signature never
   * interleave.
   */
  private final Object state = new Object();

  private final CrlPublisher crl;
  private final Blocklist blocklist;
  private final IssuedSerials issued;
  private X509CRL listedCrl;
  private RevocationList list;

  private BuiltinCa(
      HeldCertificate ca,
      TokenEnrollment tokens,
      Clock clock,
      CrlPublisher crl,
      Blocklist blocklist,
      IssuedSerials issued) {
    this.ca = ca;
    this.clock = clock;
    this.minter = new CertificateMinter(ca, clock);
    this.tokens = tokens;
    this.cloudcoreTokens = new CloudcoreJoinTokens(ca.privateKey(), ca.certificate(), clock);
    this.crl = crl;
    this.blocklist = blocklist;
    this.issued = issued;
  }

  /**
   * Loads the CA from its files, or creates it (and the token secret) when neither CA file exists
   * yet.
   *
   * @throws CredentialFileException naming the file when only one of the pair exists, a file does
   *     not parse, the key does not match, or the certificate is not a CA
   */
  public static BuiltinCa loadOrCreate(BuiltinCaFiles files, Clock clock)
      throws CredentialFileException, IOException {
    KeyCertificateFiles pair = new KeyCertificateFiles(files.caKey(), files.caCertificate());
    Optional<HeldCertificate> existing = pair.read();
    HeldCertificate ca;
    if (existing.isPresent()) {
      ca = existing.get();
      if (ca.certificate().getBasicConstraints() < 0) {
        throw new CredentialFileException(
            files.caCertificate(), "is not a CA certificate (basicConstraints CA:false)");
      }
    } else {
      ca = CertificateMinter.createCa(clock);
      pair.write(ca);
    }
    X509Certificate caCertificate = ca.certificate();
    return new BuiltinCa(
        ca,
        TokenEnrollment.open(
            () -> caCertificate, files.tokenSecret(), files.usedJoinTokens(), clock),
        clock,
        CrlPublisher.load(files.crl(), ca, clock),
        Blocklist.load(files.blocklist()),
        IssuedSerials.load(files.issuedSerials()));
  }

  @Override
  public String name() {
    return "builtin";
  }

  @Override
  public IssuedCertificate sign(SigningRequest request) throws PkiException {
    Optional<NodeName> node = nodeOf(request.subject());
    if (node.isEmpty()) {
      return minter.mint(request);
    }
    // Check, sign and record under one lock: a block that lands in between would otherwise miss
    // the serial it must revoke.
    IssuedCertificate certificate;
    long recorded;
    synchronized (state) {
      Optional<Instant> blockedSince = blocklist.blockedSince(node.get());
      if (blockedSince.isPresent()) {
        throw PkiException.refused(
            "node " + node.get() + " is blocked (since " + blockedSince.get() + ")");
      }
      certificate = minter.mint(request);
      try {
        recorded =
            issued.append(
                node.get(), certificate.serial(), certificate.notAfter(), clock.instant());
      } catch (IOException e) {
        throw unrecorded(node.get(), e);
      }
    }
    // The serial is in the inventory (a block from now on revokes it); waiting for the disk outside
    // the lock lets the signatures made meanwhile share one fsync.
    try {
      issued.awaitDurable(recorded);
    } catch (IOException e) {
      throw unrecorded(node.get(), e);
    }
    return certificate;
  }

  /**
   * A certificate a block could not find after a restart is worse than none: it is not handed out.
   */
  private static PkiException unrecorded(NodeName node, IOException e) {
    return PkiException.unavailable(
        "cannot record the new certificate of node " + node + ": " + e.getMessage(), e);
  }

  private static Optional<NodeName> nodeOf(X500Principal subject) {
    List<String> commonNames = NodeName.commonNames(subject);
    return commonNames.size() == 1 ? NodeName.fromCommonName(commonNames.get(0)) : Optional.empty();
  }

  @Override
  public List<X509Certificate> trustAnchors() {
    return List.of(ca.certificate());
  }

  @Override
  public Optional<Revocation> revocation() {
    return Optional.of(this);
  }

  @Override
  public Optional<NodeBlocking> blocking() {
    return Optional.of(this);
  }

  @Override
  public Optional<IssuedSerialInventory> inventory() {
    return Optional.of(this);
  }

  @Override
  public Optional<BootstrapEnrollment> bootstrap() {
    return Optional.of(this);
  }

  @Override
  public X509Certificate caCertificate() {
    return ca.certificate();
  }

  @Override
  public JoinTokenClaims verifyJoinToken(String jwt) throws PkiException {
    return tokens.verifyJoinToken(jwt);
  }

  @Override
  public JoinTokenClaims verifyCloudcoreJoinToken(String jwt) throws PkiException {
    return cloudcoreTokens.verify(jwt);
  }

  @Override
  public Optional<JoinTokenUse> joinTokenUse(JoinTokenClaims.NodeBound token) {
    return tokens.joinTokenUse(token);
  }

  @Override
  public void consumeJoinToken(JoinTokenClaims.NodeBound token) throws PkiException {
    tokens.consumeJoinToken(token);
  }

  @Override
  public Instant revoke(BigInteger serial) throws PkiException {
    synchronized (state) {
      try {
        Instant at = crl.revoke(serial);
        log.info("revoked serial {}", SerialNumbers.toColonHex(serial));
        return at;
      } catch (IOException e) {
        throw PkiException.unavailable(
            "cannot write the CRL " + crl.file() + ": " + e.getMessage(), e);
      }
    }
  }

  /** All in one new CRL: one signature and one write however many serials a block revokes. */
  @Override
  public Map<BigInteger, PkiException> revokeAll(Collection<BigInteger> serials) {
    synchronized (state) {
      try {
        crl.revokeAll(serials);
      } catch (IOException e) {
        PkiException failure =
            PkiException.unavailable(
                "cannot write the CRL " + crl.file() + ": " + e.getMessage(), e);
        Map<BigInteger, PkiException> failed = new LinkedHashMap<>();
        serials.forEach(serial -> failed.put(serial, failure));
        return failed;
      }
      serials.forEach(serial -> log.info("revoked serial {}", SerialNumbers.toColonHex(serial)));
      return Map.of();
    }
  }

  /** The CRL, re-signed when half its validity has gone, indexed once per new CRL. */
  @Override
  public RevocationList revocationList() throws PkiException {
    synchronized (state) {
      X509CRL current;
      try {
        current = crl.current();
      } catch (IOException e) {
        throw PkiException.unavailable(
            "cannot write the CRL " + crl.file() + ": " + e.getMessage(), e);
      }
      if (current != listedCrl) {
        list = RevocationList.fromCrl(current, List.of(ca.certificate()));
        listedCrl = current;
      }
      return list;
    }
  }

  /** The CRL in force, as the CA signed it (for publishing, or for an external check). */
  public X509CRL crl() throws PkiException {
    synchronized (state) {
      try {
        return crl.current();
      } catch (IOException e) {
        throw PkiException.unavailable(
            "cannot write the CRL " + crl.file() + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public NodeCredentialChange blockNode(NodeName node) throws PkiException {
    synchronized (state) {
      try {
        if (!blocklist.add(node, clock.instant())) {
          return new NodeCredentialChange(
              "node "
                  + node
                  + " was already on the built-in CA's blocklist (since "
                  + blocklist.blockedSince(node).orElseThrow()
                  + "); /edge.crt refuses it",
              "");
        }
      } catch (IOException e) {
        throw PkiException.unavailable(
            "cannot write the blocklist " + blocklist.file() + ": " + e.getMessage(), e);
      }
      log.info("node {} added to the blocklist {}", node, blocklist.file());
      return new NodeCredentialChange(
          "node "
              + node
              + " is on the built-in CA's blocklist ("
              + blocklist.file()
              + "): /edge.crt refuses it and the CA signs nothing for it",
          "");
    }
  }

  @Override
  public NodeCredentialChange unblockNode(NodeName node) throws PkiException {
    synchronized (state) {
      boolean removed;
      try {
        removed = blocklist.remove(node);
      } catch (IOException e) {
        throw PkiException.unavailable(
            "cannot write the blocklist " + blocklist.file() + ": " + e.getMessage(), e);
      }
      if (removed) {
        log.info("node {} removed from the blocklist {}", node, blocklist.file());
      }
      return new NodeCredentialChange(
          removed
              ? "node " + node + " is off the built-in CA's blocklist: it may enroll again"
              : "node " + node + " was not on the built-in CA's blocklist",
          unblockedNextStep(node));
    }
  }

  /**
   * What happens after an unblock, per kind of edge, as the README's "Recovery after unblock" says:
   * kept beside the code that makes it true, and printed by {@code node unblock}.
   */
  static String unblockedNextStep(NodeName node) {
    return "an edgetrust EdgeHub re-enrolls by itself (new key, its join token) at its next retry (within a"
        + " minute; a few if it was offline during the block and must first see its handshakes refused): with a shared join token in its tokenFile that is all; with a node-bound token"
        + " (already used), mint a new one with `./edgetrust token --node "
        + node
        + "` and put it in its"
        + " tokenFile (read without a restart); with no token, put one there (./edgetrust token --config"
        + " <cloudcore.yaml>). A stock edgecore cannot re-enroll by itself: delete its certificate and key"
        + " (tlsCertFile, tlsPrivateKeyFile) and restart it, so that it re-joins with the join token in its"
        + " edgecore.yaml. Its old certificates stay revoked";
  }

  @Override
  public Set<NodeName> blockedNodes() {
    synchronized (state) {
      return blocklist.nodes();
    }
  }

  @Override
  public Set<BigInteger> issuedSerials(NodeName node) {
    synchronized (state) {
      return issued.of(node, clock.instant());
    }
  }

  /** Closes the serial inventory's journal file. */
  @Override
  public void close() {
    synchronized (state) {
      try {
        issued.close();
      } catch (IOException e) {
        log.warn("cannot close the serial journal beside {}: {}", blocklist.file(), e.getMessage());
      }
    }
  }

  /** A new shared join token valid for {@code validity}: any node, until it expires. */
  public MintedJoinToken mintJoinToken(Duration validity) {
    try {
      return tokens.mint(validity);
    } catch (PkiException e) {
      throw neverForOwnCa(e);
    }
  }

  /** A new join token valid for {@code validity} that enrolls {@code node} only, once. */
  public MintedJoinToken mintJoinToken(NodeName node, Duration validity) {
    try {
      return tokens.mintFor(node, validity);
    } catch (PkiException e) {
      throw neverForOwnCa(e);
    }
  }

  /** Minting fails only when the CA must be asked for; this CA's certificate is in hand. */
  private static IllegalStateException neverForOwnCa(PkiException e) {
    return new IllegalStateException(
        "minting a join token with the built-in CA's own certificate failed", e);
  }
}
