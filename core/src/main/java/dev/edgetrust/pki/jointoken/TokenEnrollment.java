package dev.edgetrust.pki.jointoken;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.SecretFiles;
import dev.edgetrust.pki.BootstrapEnrollment;
import dev.edgetrust.pki.JoinTokenClaims;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.JoinTokenUse;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.x509.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeEdge join-token enrollment at the CloudHub's {@code /ca.crt} and {@code /edge.crt}, for any
 * PKI the CloudHub signs through: tokens are {@code hex(sha256(CA DER)).JWT}, the JWT HS256-signed
 * with a secret the CloudHub keeps (a file, owner-only, made once), node-bound tokens used up in a
 * durable {@link UsedJoinTokens} file. The built-in CA uses it with its own CA certificate; a PKI
 * that signs but has no bootstrap of its own (CFSSL) with the certificate the PKI names as its CA,
 * asked for on first use.
 */
public final class TokenEnrollment implements BootstrapEnrollment, JoinTokenMinting {
  private static final Logger log = LoggerFactory.getLogger(TokenEnrollment.class);

  /** Where the CA certificate comes from: known (the built-in CA) or asked of the PKI. */
  @FunctionalInterface
  public interface CaSource {
    X509Certificate caCertificate() throws PkiException;
  }

  private final CaSource caSource;
  private final byte[] secret;
  private final Clock clock;

  /** Checks tokens' JWT part, which needs no CA hash. */
  private final JoinTokenSigner verifier;

  /** Guarded by itself: a use is written with an fsync, which must not hold up anything else. */
  private final UsedJoinTokens usedTokens;

  /** The CA, and the signer keyed to its hash, once known. Guarded by {@code this}. */
  private Optional<Known> known = Optional.empty();

  private record Known(X509Certificate ca, JoinTokenSigner signer) {}

  private TokenEnrollment(
      CaSource caSource, byte[] secret, UsedJoinTokens usedTokens, Clock clock) {
    this.caSource = Objects.requireNonNull(caSource, "caSource");
    this.secret = secret.clone();
    this.usedTokens = Objects.requireNonNull(usedTokens, "usedTokens");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.verifier = new JoinTokenSigner(secret, "", clock);
  }

  /**
   * Token enrollment with the secret in {@code secretFile} (made, 32 random bytes, mode 0600, when
   * absent) and the used node-bound tokens in {@code usedTokensFile}.
   *
   * @throws CredentialFileException if the secret is readable by others or too short, or the used
   *     tokens file is unreadable
   * @throws IOException if a new secret cannot be written
   */
  public static TokenEnrollment open(CaSource ca, Path secretFile, Path usedTokensFile, Clock clock)
      throws CredentialFileException, IOException {
    return new TokenEnrollment(
        ca, loadOrCreateSecret(secretFile), UsedJoinTokens.load(usedTokensFile), clock);
  }

  /** The HS256 secret in {@code file}, made (32 random bytes, mode 0600, fsync'd) when absent. */
  static byte[] loadOrCreateSecret(Path file) throws IOException, CredentialFileException {
    // Whoever reads this file can mint join tokens: checked like a CA key.
    SecretFiles.requireOwnerOnly(file);
    try {
      byte[] secret = Files.readAllBytes(file);
      if (secret.length < 32) {
        throw new CredentialFileException(
            file, "holds fewer than 32 bytes; delete it to make a new token secret");
      }
      return secret;
    } catch (NoSuchFileException e) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      // Not logged: 'edgetrust token' prints the token on stdout, where log lines would mix in.
      AtomicFile.writeSecret(file, secret);
      return secret;
    }
  }

  private synchronized Known known() throws PkiException {
    if (known.isEmpty()) {
      X509Certificate ca = caSource.caCertificate();
      known =
          Optional.of(
              new Known(ca, new JoinTokenSigner(secret, Certificates.sha256Hex(ca), clock)));
    }
    return known.get();
  }

  /**
   * The CA certificate served at {@code /ca.crt}. The CloudHub serves only after it has the PKI's
   * trust anchors, so by then the PKI has answered; should it not have, this fails rather than
   * serve nothing.
   *
   * @throws IllegalStateException if the PKI cannot say which CA it signs with
   */
  @Override
  public X509Certificate caCertificate() {
    try {
      return known().ca();
    } catch (PkiException e) {
      throw new IllegalStateException(
          "the PKI's CA certificate is not known: " + e.getMessage(), e);
    }
  }

  @Override
  public MintedJoinToken mint(Duration validity) throws PkiException {
    return known().signer().mint(validity);
  }

  @Override
  public MintedJoinToken mintFor(NodeName node, Duration validity) throws PkiException {
    return known().signer().mintFor(node, validity);
  }

  /** Checks the JWT: HS256 with this CloudHub's secret, not expired. Needs no CA. */
  @Override
  public JoinTokenClaims verifyJoinToken(String jwt) throws PkiException {
    // The CA hash is the edge's business (it pins /ca.crt with it): only the JWT is checked here.
    return verifier.verify(jwt);
  }

  @Override
  public Optional<JoinTokenUse> joinTokenUse(JoinTokenClaims.NodeBound token) {
    synchronized (usedTokens) {
      return usedTokens.use(token.id());
    }
  }

  @Override
  public void consumeJoinToken(JoinTokenClaims.NodeBound token) throws PkiException {
    Optional<JoinTokenUse> before;
    synchronized (usedTokens) {
      try {
        before = usedTokens.consume(token, clock.instant());
      } catch (IOException e) {
        throw PkiException.unavailable(
            "cannot record the use of join token "
                + token.id()
                + " in "
                + usedTokens.file()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    if (before.isPresent()) {
      throw PkiException.refused(before.get().refusal());
    }
    log.info(
        "join token {} for node {} used (recorded in {})",
        token.id(),
        token.node(),
        usedTokens.file());
  }

  @Override
  public String toString() {
    return "TokenEnrollment[used tokens " + usedTokens.file() + "]";
  }
}
