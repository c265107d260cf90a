package dev.edgetrust.pki;

import dev.edgetrust.config.ConfigException;
import java.nio.file.Path;
import java.util.List;

/**
 * A node's edge section of a PKI the node asks itself ({@code modules.edgeHub.vault} with {@code
 * enable: true}), bound and checked by {@link PkiProviderFactory#edge} but not started: an
 * immutable description, safe to hold in the EdgeHub's settings. {@link #start()} makes the
 * provider the EdgeHub's issuer signs the node's CSRs with.
 */
public interface EdgePki {
  /** The PKI's name, {@link PkiProviderFactory#name()}. */
  String provider();

  /**
   * Every file holding a secret this PKI reads for the node (a token, an AppRole secret_id): the
   * EdgeHub refuses to start when one is readable by group or others, as it does for its key.
   */
  List<Path> secretFiles();

  /**
   * From which fraction of a certificate's lifetime its renewal time is picked (at random, up to
   * {@link #renewalTo()}); 0 &lt; from &lt;= to &lt; 1.
   */
  double renewalFrom();

  /** Up to which fraction of a certificate's lifetime it is renewed. */
  double renewalTo();

  /**
   * Connects to the PKI (lazily where it can: a PKI that is down now is a retryable failure at the
   * first request, not here) and starts what keeps the node's credential alive (Vault: the token
   * renewer). The caller closes {@link NodeIssuance#provider()} when the EdgeHub stops, which stops
   * all of it.
   *
   * @throws ConfigException one line naming the file and key, if something the section names cannot
   *     be used (an unreadable server CA, say)
   */
  NodeIssuance start() throws ConfigException;
}
