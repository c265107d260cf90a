package dev.edgetrust.agent;

import dev.edgetrust.config.GoDuration;
import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.retry.Backoff;
import dev.edgetrust.retry.FailureStreak;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the CloudHub's server certificate current from a PKI, beside the CloudHub in its pod: an
 * init container runs it {@link #renewNow() once} so the files exist when the CloudHub starts, a
 * sidecar {@link #run() runs} it for good, renewing at 2/3 of each certificate's lifetime.
 *
 * <p>The key is made here and never leaves; only a CSR goes to the PKI. Key, certificate and CA
 * bundle are written atomically into the shared directory, where the CloudHub picks them up on its
 * next handshake. When the PKI cannot be reached the certificate in place stays, and the agent
 * retries with capped, jittered backoff — held to the certificate's end ({@link
 * Backoff#beforeDeadline}), so a backoff grown to minutes never sleeps through the last seconds in
 * which a renewal would still save the server certificate. A PKI that stays away is reported once
 * loudly after {@code escalateAfter} and then summarized, not logged per attempt ({@link
 * FailureStreak}).
 */
public final class CertificateAgent {
  private static final Logger log = LoggerFactory.getLogger(CertificateAgent.class);
  static final double RENEW_AT = 2.0 / 3.0;
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);
  private static final Backoff RETRY = new Backoff(FIRST_RETRY, MAX_RETRY, Backoff.Jitter.EQUAL);

  /**
   * How long one signing request may take when unhurried: a Vault request's default timeout. The
   * agent plans renewals to leave room for two such tries before the certificate ends.
   */
  static final Duration TRY_TIMEOUT = Duration.ofSeconds(30);

  /** How long renewing may fail before one ERROR says so (then a summary at that interval). */
  public static final Duration DEFAULT_ESCALATE_AFTER = Duration.ofMinutes(5);

  /**
   * What to obtain and where to put it.
   *
   * @param lifetime the lifetime asked for; the PKI may shorten it
   */
  public record Target(
      Path keyFile,
      Path certificateFile,
      Path caFile,
      String commonName,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      Duration lifetime) {
    public Target {
      Objects.requireNonNull(keyFile, "keyFile");
      Objects.requireNonNull(certificateFile, "certificateFile");
      Objects.requireNonNull(caFile, "caFile");
      Objects.requireNonNull(commonName, "commonName");
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
      if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
        throw new IllegalArgumentException(
            "a server certificate needs at least one DNS name or IP address");
      }
    }
  }

  private final PkiProvider pki;
  private final Target target;
  private final Clock clock;
  private final Duration escalateAfter;
  private final CountDownLatch stopped = new CountDownLatch(1);

  public CertificateAgent(PkiProvider pki, Target target, Clock clock) {
    this(pki, target, clock, DEFAULT_ESCALATE_AFTER);
  }

  /**
   * @param escalateAfter how long renewing may fail before one ERROR says so
   */
  public CertificateAgent(PkiProvider pki, Target target, Clock clock, Duration escalateAfter) {
    this.pki = Objects.requireNonNull(pki, "pki");
    this.target = Objects.requireNonNull(target, "target");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.escalateAfter = Objects.requireNonNull(escalateAfter, "escalateAfter");
  }

  /**
   * Obtains a new certificate for a new key and writes key, certificate and CA bundle.
   *
   * @throws PkiException if the PKI refuses or cannot be reached; nothing is written then
   * @throws IOException if the files cannot be written; the old ones stay
   */
  public HeldCertificate renewNow() throws PkiException, IOException {
    KeyPair keys = Keys.newP256();
    Csr csr = Csr.create(keys, new X500Principal("CN=" + Rdn.escapeValue(target.commonName())));
    IssuedCertificate issued =
        pki.sign(
            SigningRequest.forServer(
                target.commonName(),
                csr,
                target.dnsNames(),
                target.ipAddresses(),
                target.lifetime()));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(issued.certificate());
    chain.addAll(issued.caChain());
    HeldCertificate held = new HeldCertificate(keys.getPrivate(), chain);
    // The bundle first: a CloudHub that reloads between the two writes must already trust the
    // issuer of the certificate it is about to serve.
    try {
      KeyCertificateFiles.writeCertificates(target.caFile(), pki.trustAnchors());
      new KeyCertificateFiles(target.keyFile(), target.certificateFile()).write(held);
    } catch (IOException e) {
      // The certificate is dropped with its key (the next attempt asks again): served without
      // being on disk it would vanish at the next restart. Name the files: "No space left on
      // device" alone does not say where.
      throw new IOException(
          "cannot write "
              + target.caFile()
              + ", "
              + target.keyFile()
              + " and "
              + target.certificateFile()
              + ": "
              + AtomicFile.describeFailure(e),
          e);
    }
    log.info(
        "server certificate written to {}: serial {}, valid until {}, names {} {}",
        target.certificateFile(),
        held.serialHex(),
        held.notAfter(),
        target.dnsNames(),
        target.ipAddresses().stream().map(InetAddress::getHostAddress).toList());
    return held;
  }

  /**
   * The certificate in the files now, if there is a readable, matching pair. Safe to call from any
   * thread: it only looks, and never finishes a swap the agent may be making right now.
   */
  public Optional<HeldCertificate> current() {
    try {
      return KeyCertificateView.of(target.keyFile(), target.certificateFile()).peek();
    } catch (CredentialFileException e) {
      return Optional.empty();
    }
  }

  /**
   * At the start of {@link #run()}, as the files' only writer: finishes a swap a crash interrupted.
   */
  private Optional<HeldCertificate> recovered() {
    try {
      return new KeyCertificateFiles(target.keyFile(), target.certificateFile()).read();
    } catch (CredentialFileException e) {
      log.warn("{}; a new certificate will replace it", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * When {@code held} should be replaced: at 2/3 of its lifetime, or earlier if that would not
   * leave room for two {@link #TRY_TIMEOUT} tries before it ends (but not before half of it).
   */
  static Instant renewalTime(HeldCertificate held) {
    Duration life = Duration.between(held.notBefore(), held.notAfter());
    Instant twoThirds =
        held.notBefore().plus(Duration.ofMillis((long) (life.toMillis() * RENEW_AT)));
    Instant latest = Backoff.latestStart(held.notAfter(), TRY_TIMEOUT, 2);
    if (!twoThirds.isAfter(latest)) {
      return twoThirds;
    }
    Instant half = held.notBefore().plus(life.dividedBy(2));
    return latest.isAfter(half) ? latest : half;
  }

  /**
   * When to try again after failure number {@code attempt} (1-based) at {@code now}: the backoff,
   * held to the end of the certificate in place, if there is one.
   */
  static Backoff.Attempt retry(int attempt, Instant now, Optional<Instant> notAfter) {
    Duration wait = retryDelay(attempt);
    return notAfter.isPresent()
        ? Backoff.beforeDeadline(wait, TRY_TIMEOUT, now, notAfter.get())
        : new Backoff.Attempt(wait, TRY_TIMEOUT, now.plus(wait));
  }

  /**
   * The wait before retry number {@code attempt} (1-based): in the upper half of a doubling cap.
   */
  static Duration retryDelay(int attempt) {
    return RETRY.delay(attempt - 1, ThreadLocalRandom.current());
  }

  /**
   * Renews for good: now, if the files hold nothing usable or nothing past its renewal time; then
   * at 2/3 of each new certificate's lifetime. Returns when {@link #stop()} is called.
   */
  public void run() {
    Optional<HeldCertificate> inPlace = recovered();
    Instant due = inPlace.map(CertificateAgent::renewalTime).orElse(Instant.MIN);
    FailureStreak streak = new FailureStreak(escalateAfter, escalateAfter);
    int failures = 0;
    while (stopped.getCount() > 0) {
      Duration wait = Duration.between(clock.instant(), due);
      if (wait.compareTo(Duration.ZERO) > 0) {
        if (failures == 0) {
          log.info("next server certificate renewal at {}", due);
        }
        if (sleep(wait)) {
          return;
        }
      }
      try {
        inPlace = Optional.of(renewNow());
        due = renewalTime(inPlace.get());
        failures = 0;
        streak
            .succeeded(clock.instant())
            .ifPresent(
                ended ->
                    log.info(
                        "server certificate renewed after {} of failures ({} attempts)",
                        GoDuration.format(ended.lasted()),
                        ended.failures()));
      } catch (PkiException | IOException | RuntimeException e) {
        failures++;
        Instant now = clock.instant();
        Backoff.Attempt retry = retry(failures, now, inPlace.map(HeldCertificate::notAfter));
        due = retry.at();
        report(streak, e, now, inPlace, retry);
      }
    }
  }

  /**
   * A line per new cause (ERROR for this machine's own fault, a write that failed; WARN for the
   * PKI), then one ERROR once renewing has failed for {@code escalateAfter}, then a summary at that
   * interval; a time is named, not only a wait, so no line promises a retry that has passed.
   */
  private static void report(
      FailureStreak streak,
      Exception e,
      Instant now,
      Optional<HeldCertificate> inPlace,
      Backoff.Attempt retry) {
    String stays =
        inPlace
            .map(
                h ->
                    (h.notAfter().isAfter(now)
                            ? "; the one in place stays (valid until "
                            : "; the one in place expired at ")
                        + h.notAfter()
                        + (h.notAfter().isAfter(now) ? ")" : ""))
            .orElse("");
    String next = "; retrying in " + GoDuration.format(retry.delay()) + " (at " + retry.at() + ")";
    switch (streak.failed(now, String.valueOf(e.getMessage()))) {
      case NEW_CAUSE -> {
        if (e instanceof PkiException) {
          log.warn("could not renew the server certificate ({}){}{}", e.getMessage(), stays, next);
        } else {
          log.error("could not renew the server certificate ({}){}{}", e.getMessage(), stays, next);
        }
      }
      case ESCALATE ->
          log.error(
              "the server certificate has not been renewed for {} ({} attempts); last cause: {}{}{}",
              GoDuration.format(streak.failingFor(now)),
              streak.failures(),
              e.getMessage(),
              stays,
              next);
      case SUMMARY ->
          log.warn(
              "the server certificate still cannot be renewed: failing for {} ({} attempts); last"
                  + " cause: {}{}{}",
              GoDuration.format(streak.failingFor(now)),
              streak.failures(),
              e.getMessage(),
              stays,
              next);
      case REPEAT, QUIET ->
          log.debug("could not renew the server certificate ({}){}", e.getMessage(), next);
    }
  }

  /** Ends {@link #run()}. */
  public void stop() {
    stopped.countDown();
  }

  /**
   * @return true if stopped while waiting
   */
  private boolean sleep(Duration wait) {
    try {
      return stopped.await(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
