package dev.edgetrust.cloudhub.metrics;

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
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link PkiProvider} that times every call to the one it wraps and counts its failures, by
 * operation. It changes nothing else: what the wrapped provider answers or throws passes through
 * unchanged, and {@link #close()} is left to whoever owns the wrapped provider.
 */
public final class MeteredPkiProvider implements PkiProvider {
  private final PkiProvider provider;
  private final PrometheusHubMetrics metrics;

  public MeteredPkiProvider(PkiProvider provider, PrometheusHubMetrics metrics) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws PkiException;
  }

  private <T> T timed(PkiOperation operation, Call<T> call) throws PkiException {
    long start = System.nanoTime();
    Throwable failure = null;
    try {
      return call.run();
    } catch (PkiException | RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      metrics.pkiCall(operation, System.nanoTime() - start, failure);
    }
  }

  @Override
  public String name() {
    return provider.name();
  }

  @Override
  public IssuedCertificate sign(SigningRequest request) throws PkiException {
    return timed(PkiOperation.SIGN, () -> provider.sign(request));
  }

  @Override
  public List<X509Certificate> trustAnchors() throws PkiException {
    return timed(PkiOperation.TRUST_ANCHORS, provider::trustAnchors);
  }

  /** Join tokens are checked locally (a signature), not by calling the PKI: not timed. */
  @Override
  public Optional<BootstrapEnrollment> bootstrap() {
    return provider.bootstrap();
  }

  @Override
  public Optional<Revocation> revocation() {
    return provider.revocation().map(MeteredRevocation::new);
  }

  @Override
  public Optional<NodeBlocking> blocking() {
    return provider.blocking().map(MeteredBlocking::new);
  }

  @Override
  public Optional<IssuedSerialInventory> inventory() {
    return provider.inventory().map(MeteredInventory::new);
  }

  private final class MeteredRevocation implements Revocation {
    private final Revocation revocation;

    MeteredRevocation(Revocation revocation) {
      this.revocation = revocation;
    }

    @Override
    public Instant revoke(BigInteger serial) throws PkiException {
      return timed(PkiOperation.REVOKE, () -> revocation.revoke(serial));
    }

    /** Timed as one revocation; counted as an error when any serial could not be revoked. */
    @Override
    public Map<BigInteger, PkiException> revokeAll(Collection<BigInteger> serials) {
      long start = System.nanoTime();
      Map<BigInteger, PkiException> failed = revocation.revokeAll(serials);
      metrics.pkiCall(
          PkiOperation.REVOKE,
          System.nanoTime() - start,
          failed.values().stream().findFirst().orElse(null));
      return failed;
    }

    @Override
    public RevocationList revocationList() throws PkiException {
      return timed(PkiOperation.REVOCATION_LIST, revocation::revocationList);
    }
  }

  private final class MeteredBlocking implements NodeBlocking {
    private final NodeBlocking blocking;

    MeteredBlocking(NodeBlocking blocking) {
      this.blocking = blocking;
    }

    @Override
    public NodeCredentialChange blockNode(NodeName node) throws PkiException {
      return timed(PkiOperation.BLOCK_NODE, () -> blocking.blockNode(node));
    }

    @Override
    public NodeCredentialChange unblockNode(NodeName node) throws PkiException {
      return timed(PkiOperation.UNBLOCK_NODE, () -> blocking.unblockNode(node));
    }

    @Override
    public Set<NodeName> blockedNodes() throws PkiException {
      return timed(PkiOperation.BLOCKED_NODES, blocking::blockedNodes);
    }
  }

  private final class MeteredInventory implements IssuedSerialInventory {
    private final IssuedSerialInventory inventory;

    MeteredInventory(IssuedSerialInventory inventory) {
      this.inventory = inventory;
    }

    @Override
    public Set<BigInteger> issuedSerials(NodeName node) throws PkiException {
      return timed(PkiOperation.ISSUED_SERIALS, () -> inventory.issuedSerials(node));
    }
  }

  /** Does nothing: the wrapped provider belongs to whoever made it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "metered " + provider;
  }
}
