package dev.edgetrust.pki.jointoken;

import dev.edgetrust.credential.AtomicFile;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a current join token in a file (mode 0600), refreshed every {@code tokenRefreshDuration}
 * and valid for twice that, as KubeEdge refreshes its token secret. An edge node (or an operator's
 * provisioning script) reads it from there. Any PKI that mints join tokens for the CloudHub's
 * bootstrap uses it (the built-in CA, and CFSSL through {@link TokenEnrollment}).
 */
public final class JoinTokenFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JoinTokenFile.class);

  private final JoinTokenMinting ca;
  private final Path file;
  private final Duration refresh;
  private final ScheduledExecutorService scheduler;

  private JoinTokenFile(JoinTokenMinting ca, Path file, Duration refresh) {
    this.ca = ca;
    this.file = file;
    this.refresh = refresh;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edgetrust-join-token");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Writes a token now and every {@code refresh} from now on.
   *
   * @throws IOException if the first token cannot be written
   */
  public static JoinTokenFile start(JoinTokenMinting ca, Path file, Duration refresh)
      throws IOException {
    JoinTokenFile publisher = new JoinTokenFile(ca, file, refresh);
    publisher.write();
    publisher.scheduler.scheduleAtFixedRate(
        publisher::writeQuietly, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    return publisher;
  }

  private void write() throws IOException {
    MintedJoinToken token;
    try {
      token = ca.mint(refresh.multipliedBy(2));
    } catch (PkiException e) {
      throw new IOException("cannot mint a join token: " + e.getMessage(), e);
    }
    AtomicFile.writeSecret(file, (token.value() + "\n").getBytes(StandardCharsets.US_ASCII));
    log.info("join token written to {} (valid until {})", file, token.expiresAt());
  }

  private void writeQuietly() {
    try {
      write();
    } catch (IOException | RuntimeException e) {
      log.error("could not refresh the join token in {}: {}", file, e.getMessage());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
