package dev.edgetrust.pki.vault.http;

import dev.edgetrust.x509.HeldCertificate;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers the certificate a supplier holds at the moment of each TLS handshake, so a node that
 * renewed its certificate logs in to Vault's {@code cert} auth with the new one, no restart.
 */
final class SuppliedKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "edgetrust-client";

  private final Supplier<Optional<HeldCertificate>> source;

  /** What the last chooseClientAlias saw, so that chain and key of one handshake agree. */
  private volatile HeldCertificate chosen;

  SuppliedKeyManager(Supplier<Optional<HeldCertificate>> source) {
    this.source = source;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return choose(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return choose(keyTypes);
  }

  private String choose(String[] keyTypes) {
    Optional<HeldCertificate> held = source.get();
    if (held.isEmpty()) {
      return null;
    }
    String algorithm = held.get().privateKey().getAlgorithm().toUpperCase(Locale.ROOT);
    for (String type : keyTypes) {
      String t = type.toUpperCase(Locale.ROOT);
      if (t.startsWith(algorithm) || algorithm.equals("RSA") && t.startsWith("RSASSA")) {
        chosen = held.get();
        return ALIAS;
      }
    }
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    HeldCertificate held = chosen;
    return ALIAS.equals(alias) && held != null
        ? held.chain().toArray(new X509Certificate[0])
        : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    HeldCertificate held = chosen;
    return ALIAS.equals(alias) && held != null ? held.privateKey() : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return source.get().isPresent() ? new String[] {ALIAS} : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
