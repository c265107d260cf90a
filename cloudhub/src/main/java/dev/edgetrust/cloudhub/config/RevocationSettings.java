package dev.edgetrust.cloudhub.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.edgetrust.config.WholeUnits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code revocation}: how revocation and blocks are checked and recorded. The three files default
 * to the {@linkplain CloudHubSettings#stateDirectory() state directory}; {@link CloudHubSettings}
 * fills them in, so that every one it holds is set.
 *
 * @param refreshInterval how often the PKI's revocation list and blocklist are read again (and live
 *     sessions re-checked against them): whole seconds in the file, 10
 * @param failClosed whether, once the last good list is past its nextUpdate and no newer one can be
 *     had, every client certificate is refused (true, the default) or the stale list keeps being
 *     used
 * @param auditFile where the audit lines go (one JSON object a line, appended): {@code audit.log}
 * @param inventoryFile where the serials seen and issued per node are kept: {@code
 *     node-serials.json}
 * @param localListFile where the CloudHub keeps the blocked nodes and revoked serials its PKI
 *     cannot hold (a PKI without blocking or revocation): {@code cloudhub-blocks.json}
 */
public record RevocationSettings(
    @JsonDeserialize(using = WholeUnits.Seconds.class) Duration refreshInterval,
    Boolean failClosed,
    Path auditFile,
    Path inventoryFile,
    Path localListFile) {
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);
  public static final String AUDIT_FILE = "audit.log";
  public static final String INVENTORY_FILE = "node-serials.json";

  /** The default name of {@code localListFile}, beside the inventory. */
  public static final String LOCAL_LIST_FILE = "cloudhub-blocks.json";

  public RevocationSettings {
    refreshInterval = Objects.requireNonNullElse(refreshInterval, DEFAULT_REFRESH_INTERVAL);
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException(
          "'refreshInterval' must be greater than 0, was " + refreshInterval);
    }
    failClosed = failClosed == null || failClosed;
  }

  /** Every 10 s, fail closed, every file in {@code stateDirectory}. */
  public static RevocationSettings defaults(Path stateDirectory) {
    return new RevocationSettings(null, null, null, null, null).withDefaultsIn(stateDirectory);
  }

  /** The files not written in the configuration, in {@code stateDirectory}. */
  RevocationSettings withDefaultsIn(Path stateDirectory) {
    return new RevocationSettings(
        refreshInterval,
        failClosed,
        Objects.requireNonNullElse(auditFile, stateDirectory.resolve(AUDIT_FILE)),
        Objects.requireNonNullElse(inventoryFile, stateDirectory.resolve(INVENTORY_FILE)),
        Objects.requireNonNullElse(localListFile, stateDirectory.resolve(LOCAL_LIST_FILE)));
  }

  public RevocationSettings withRefreshInterval(Duration value) {
    return new RevocationSettings(value, failClosed, auditFile, inventoryFile, localListFile);
  }

  public RevocationSettings withFailClosed(boolean value) {
    return new RevocationSettings(refreshInterval, value, auditFile, inventoryFile, localListFile);
  }
}
