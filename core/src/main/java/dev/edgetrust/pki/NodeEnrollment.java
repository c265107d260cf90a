package dev.edgetrust.pki;

import dev.edgetrust.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A PKI's part of {@code edgetrust enroll NODE --out DIR} when nodes ask the PKI itself (Vault):
 * the PKI's own options, and the enrollment. Offered by {@link PkiProviderFactory#enrollment()}.
 *
 * <p>The implementing class carries picocli {@code @Option} fields (core depends on picocli only
 * optionally): the CLI mixes them into its {@code enroll} command, fills them when it parses, and
 * refuses them with {@code --config} (enrollment with a join token). Then it calls {@link #enroll}.
 */
public interface NodeEnrollment {
  /** The PKI's name as people write it, for messages: {@code Vault}. */
  String title();

  /**
   * Enrolls {@link Target#node()} with the PKI (its credential, allowed to get certificates for its
   * own name only) and writes the bundle it runs from into {@link Target#directory()}; reports each
   * step to {@code out}, never a secret.
   *
   * @throws ConfigException one line, if an option is wrong or the directory cannot take a bundle
   * @throws PkiException if the PKI refuses or cannot be reached
   */
  void enroll(Target target, PrintStream out) throws ConfigException, PkiException, IOException;

  /**
   * What every enrollment is given, whatever the PKI.
   *
   * @param directory where the bundle goes (made 0700)
   * @param force overwrite a bundle in a non-empty directory
   * @param cloudhub the CloudHub's WebSocket address for the node, {@code host:port}
   * @param credentialTtl the lifetime of the node's PKI credential (a token)
   */
  record Target(
      NodeName node, Path directory, boolean force, String cloudhub, Duration credentialTtl) {
    public Target {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(cloudhub, "cloudhub");
      Objects.requireNonNull(credentialTtl, "credentialTtl");
    }
  }
}
