package dev.edgetrust.pki;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A PKI as the CloudHub uses it, made by {@link PkiProviderFactory#cloud}: the provider, and what
 * runs beside a CloudHub on this PKI. Whoever starts the CloudHub owns it and closes it after the
 * CloudHub.
 */
public interface CloudPki extends AutoCloseable {
  /** The provider the CloudHub signs node certificates with, checks and revokes through. */
  PkiProvider provider();

  /**
   * Starts what runs beside a CloudHub on this PKI, once the CloudHub serves (the built-in CA: the
   * join-token file {@code joinTokenFile}, kept current). Stopped by {@link #close()}. Nothing by
   * default.
   *
   * @throws IOException if it cannot start (the first join token cannot be written, say)
   */
  default void startBesideCloudHub() throws IOException {}

  /**
   * Join tokens for the CloudHub's bootstrap, if this PKI mints them (the built-in CA): what {@code
   * edgetrust token} and {@code edgetrust enroll --config} use. Empty for a PKI whose nodes enroll
   * with the PKI itself.
   */
  default Optional<JoinTokenMinting> joinTokens() {
    return Optional.empty();
  }

  /**
   * If this PKI signs the CloudHub's own server certificate (an external PKI: the certificate agent
   * writes it into {@code tlsCertFile} from the provider), the lifetime to ask for. Empty for the
   * built-in CA, whose CloudHub makes its server certificate itself.
   */
  default Optional<Duration> serverCertificateLifetime() {
    return Optional.empty();
  }

  /**
   * Checks the credential this side uses with the PKI, and logs who the PKI knows it as (an
   * accessor, policies; never a secret): the certificate agent's first line. Nothing by default.
   *
   * @throws PkiException if the PKI refuses the credential or cannot be reached
   */
  default void introduce() throws PkiException {}

  /** Stops what {@link #startBesideCloudHub()} started and closes the provider. */
  @Override
  void close();
}
