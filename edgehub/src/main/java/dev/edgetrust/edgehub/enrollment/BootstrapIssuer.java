package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeEdge's way: the first certificate (and one to replace an expired one) from the CloudHub's
 * HTTPS bootstrap with a join token; renewals over the same endpoint, authorized by the current
 * certificate.
 */
public final class BootstrapIssuer implements CertificateIssuer {
  private static final Logger log = LoggerFactory.getLogger(BootstrapIssuer.class);

  private final NodeName node;
  private final TokenSource tokens;
  private final Enrollment enrollment;
  private final String configName;
  private final Clock clock;

  /** Why the last enrollment was attempted: retries for the same reason are not logged again. */
  private String lastWhy;

  /** As the full constructor, with the system clock. */
  public BootstrapIssuer(
      NodeName node, TokenSource tokens, Enrollment enrollment, String configName) {
    this(node, tokens, enrollment, configName, Clock.systemUTC());
  }

  /**
   * @param configName how to name the configuration in messages (the edgecore.yaml path)
   * @param clock to tell an expired join token in the operator's message
   */
  public BootstrapIssuer(
      NodeName node, TokenSource tokens, Enrollment enrollment, String configName, Clock clock) {
    this.node = Objects.requireNonNull(node, "node");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
    this.configName = Objects.requireNonNull(configName, "configName");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public NodeCredentials enroll(String why) throws EnrollmentException {
    Optional<JoinToken> token = tokens.current();
    if (token.isEmpty()) {
      throw EnrollmentException.refused(
          why
              + ", and there is no join token to enroll with: set 'token' in "
              + configName
              + " (modules.edgeHub) or write one to 'tokenFile'"
              + tokens.file().map(f -> " (" + f + ")").orElse("")
              + "; print one on the cloud with ./edgetrust token --config cloudcore.yaml");
    }
    if (why.equals(lastWhy)) {
      // A retry for the same reason (still blocked, CloudHub away): the first attempt said it.
      log.debug("node {} enrolls with {}: {}", node, token.get(), why);
    } else {
      log.info("node {} enrolls with {}: {}", node, token.get(), why);
    }
    lastWhy = why;
    try {
      return enrollment.enroll(token.get());
    } catch (EnrollmentException e) {
      Optional<Instant> expired =
          token.get().expiresAt().filter(exp -> !clock.instant().isBefore(exp));
      if (e.isRetryable() || expired.isEmpty()) {
        throw e;
      }
      // Refused with a token past its exp: say what to do, not just what the CloudHub answered.
      String where =
          tokens
              .file()
              .map(f -> "the join token in " + f)
              .orElse("the join token in " + configName + " (modules.edgeHub.token)");
      String put =
          tokens
              .file()
              .map(f -> "write it to " + f)
              .orElse("put it in " + configName + " (modules.edgeHub.token) and restart");
      throw EnrollmentException.refused(
          why
              + ", and "
              + where
              + " expired at "
              + expired.get()
              + ": create a new token on the cloud with"
              + " `./edgetrust token --config cloudcore.yaml` and "
              + put
              + " (the CloudHub answered: "
              + e.getMessage()
              + ")");
    }
  }

  @Override
  public NodeCredentials renew(NodeCredentials current) throws EnrollmentException {
    return enrollment.renew(current);
  }

  @Override
  public NodeCredentials renew(NodeCredentials current, Duration timeout)
      throws EnrollmentException {
    return enrollment.renew(current, timeout);
  }

  /** A token file may get a token (or a fresh one) while the node waits. */
  @Override
  public boolean mayRecover() {
    return tokens.mayChange();
  }

  @Override
  public String description() {
    return "the CloudHub's bootstrap";
  }
}
