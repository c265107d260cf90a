package dev.edgetrust.edgehub.enrollment;

import dev.edgetrust.pki.NodeName;
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

  /**
   * @param configName how to name the configuration in messages (the edgecore.yaml path)
   */
  public BootstrapIssuer(NodeName node, TokenSource tokens, Enrollment enrollment, String configName) {
    this.node = Objects.requireNonNull(node, "node");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
    this.configName = Objects.requireNonNull(configName, "configName");
  }

  @Override
  public NodeCredentials enroll(String why) throws EnrollmentException {
    Optional<JoinToken> token = tokens.current();
    if (token.isEmpty()) {
      throw EnrollmentException.refused(
          why + ", and there is no join token to enroll with: set 'token' in " + configName
              + " (modules.edgeHub) or write one to 'tokenFile'"
              + tokens.file().map(f -> " (" + f + ")").orElse("")
              + "; print one on the cloud with ./edgetrust token --config cloudcore.yaml");
    }
    log.info("node {} enrolls with {}: {}", node, token.get(), why);
    return enrollment.enroll(token.get());
  }

  @Override
  public NodeCredentials renew(NodeCredentials current) throws EnrollmentException {
    return enrollment.renew(current);
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
