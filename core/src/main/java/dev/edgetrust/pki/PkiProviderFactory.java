package dev.edgetrust.pki;

import dev.edgetrust.config.ConfigException;
import java.util.List;
import java.util.Optional;

/**
 * A PKI as a plug-in: makes its {@link PkiProvider} from configuration, on the cloud side and, if
 * nodes ask this PKI themselves, on the edge side. The CloudHub, the EdgeHub and the CLI know a PKI
 * only by {@link #name()}; {@link PkiProviders} finds the factory for a name.
 *
 * <p>A provider module registers its factory for {@link java.util.ServiceLoader} with the file
 * {@code META-INF/services/dev.edgetrust.pki.PkiProviderFactory}, one line: the factory's fully
 * qualified class name. The class is public, with a public no-argument constructor, and cheap to
 * construct: every factory on the class path is instantiated to list the known names.
 *
 * <p>Configuration conventions (see {@code docs/providers.md}):
 *
 * <ul>
 *   <li>cloud side: {@code modules.cloudHub.pki.provider: NAME} selects the PKI (absent: {@code
 *       builtin}); its settings are the section {@code modules.cloudHub.pki.NAME}, which only this
 *       factory reads. Sections of other providers are left alone, so switching back and forth
 *       needs no deletions.
 *   <li>edge side: {@code modules.edgeHub.NAME} with {@code enable: true} makes the node ask this
 *       PKI itself (Vault does); absent or {@code enable: false}, the node enrolls through the
 *       CloudHub's KubeEdge bootstrap and the section is not checked further.
 * </ul>
 *
 * <p>Errors in a section are {@link ConfigException}s of one line naming the file and the full key
 * ({@code cloudcore.yaml: 'modules.cloudHub.pki.vault.address' is required ...}): bind the section
 * with {@link dev.edgetrust.config.YamlConfig#section} at {@link CloudPkiContext#section()} and the
 * messages come out that way.
 */
public interface PkiProviderFactory {
  /**
   * The value of {@code pki.provider} that selects this PKI, and the key of its sections: lower
   * case letters, digits and {@code -} ({@code builtin}, {@code vault}, {@code cfssl}).
   */
  String name();

  /**
   * The CloudHub's side of this PKI, from {@code modules.cloudHub.pki.NAME}: the provider the
   * CloudHub signs, checks and revokes with, and what runs beside it.
   *
   * <p>Binds and checks the whole section here, so that a mistake is reported before anything
   * starts. Should not block on the network: a PKI that is down at start is a retryable {@link
   * PkiException} at first use, not a start failure (nodes keep their certificates meanwhile).
   *
   * @throws ConfigException one line naming the file and key, if the section is wrong or a file it
   *     names cannot be used (a secret readable by others, say)
   */
  CloudPki cloud(CloudPkiContext context) throws ConfigException;

  /**
   * The edge node's side of this PKI, if nodes ask it themselves: the section {@code
   * modules.edgeHub.NAME} ({@link EdgePkiContext#section()}) bound and checked, not yet started.
   * Called whenever an {@code edgecore.yaml} is loaded, so it must not touch the network, start
   * threads or read secrets; {@link EdgePki#start()} does that.
   *
   * @return empty if the section is absent or has {@code enable: false} (the default, for every PKI
   *     whose nodes enroll through the CloudHub, which is what this default method says)
   * @throws ConfigException one line naming the file and key
   */
  default Optional<EdgePki> edge(EdgePkiContext context) throws ConfigException {
    return Optional.empty();
  }

  /**
   * How an operator enrolls a node when nodes of this PKI ask the PKI itself rather than enroll at
   * the CloudHub's {@code /edge.crt} with a join token: one line for messages, such as {@code
   * "./edgetrust enroll NODE (without --config; VAULT_ADDR and VAULT_TOKEN set)"}. Empty (the
   * default) for a PKI whose nodes use join tokens, which its {@link CloudPki#joinTokens()} mints.
   * Known without building the cloud side, so that {@code edgetrust token} can say it at once.
   */
  default Optional<String> ownEnrollment() {
    return Optional.empty();
  }

  /**
   * Whether this PKI signs the CloudHub's own server certificate (an external PKI: {@code edgetrust
   * agent} writes it into {@code tlsCertFile}, with {@link CloudPki#serverCertificateLifetime()}).
   * False (the default) for the built-in CA, whose CloudHub makes its server certificate itself.
   * Known without building the cloud side, so that the agent refuses at once instead of, say,
   * creating a CA.
   */
  default boolean signsCloudHubCertificate() {
    return false;
  }

  /**
   * This PKI's part of {@code edgetrust enroll NODE --out DIR} (without {@code --config}), if nodes
   * ask the PKI itself: a new object on each call (picocli fills its option fields). Empty (the
   * default) for a PKI whose nodes enroll with join tokens.
   */
  default Optional<NodeEnrollment> enrollment() {
    return Optional.empty();
  }

  /**
   * This PKI's sub-commands for the {@code edgetrust} command line, added at its top level: each an
   * instance of a class annotated with picocli's {@code @Command} (and usually implementing {@code
   * Callable<Integer>}), as picocli's {@code CommandLine.addSubcommand(Object)} takes it.
   *
   * <p>Objects rather than an interface of ours: {@code core} does not depend on picocli, and an
   * interface of our own would have to re-describe what picocli's annotations already say (options,
   * parameters, help, nested sub-commands); the provider module depends on picocli, the CLI checks
   * each object is a {@code @Command} and refuses to start otherwise. A command reports a user's
   * mistake by throwing {@link ConfigException} or {@link PkiException} with a one-line message
   * (the CLI prints it as it is, without a stack trace).
   *
   * <p>A new list of new objects on each call: picocli fills the objects' fields when it parses.
   */
  default List<Object> commands() {
    return List.of();
  }
}
