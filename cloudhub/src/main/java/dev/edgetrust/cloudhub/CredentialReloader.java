package dev.edgetrust.cloudhub;

import dev.edgetrust.cloudhub.metrics.ServerCertificateExpiry;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.credential.KeyCertificateView;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a new server certificate (or CA bundle) into service when its files change — the Java
 * counterpart of Go's {@code GetCertificate}, for certificates an agent renews beside the CloudHub.
 *
 * <p>The directories are watched, and the files are also compared every poll interval, because
 * events are not delivered on every file system (network volumes, some container runtimes). A pair
 * that does not parse, does not match, or is not valid now is refused with one log line and the
 * certificate in service stays.
 */
final class CredentialReloader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CredentialReloader.class);

  /** What a reload did. */
  enum Outcome {
    UNCHANGED,
    RELOADED,
    REFUSED
  }

  private final KeyCertificateView serverFiles;
  private final Path caFile;
  private final ServerTls tls;
  private final Clock clock;
  private final Duration pollInterval;
  private final Thread thread;
  private volatile WatchService watcher;
  private volatile boolean closed;
  private List<Object> lastSeen;

  /**
   * The serial and trust anchors in service when {@link #checkNow} last answered; guarded by this.
   */
  private List<Object> reportedInService;

  /** The serial and stage last reported by {@link #reportExpiry}; guarded by this. */
  private String reportedExpiry = "";

  private volatile Runnable onNewServerCertificate = () -> {};
  private volatile dev.edgetrust.cloudhub.metrics.HubMetrics metrics =
      dev.edgetrust.cloudhub.metrics.HubMetrics.NONE;

  CredentialReloader(
      KeyCertificateView serverFiles,
      Path caFile,
      ServerTls tls,
      Clock clock,
      Duration pollInterval) {
    this.serverFiles = serverFiles;
    this.caFile = caFile;
    this.tls = tls;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.lastSeen = fingerprint();
    this.reportedInService = inService();
    this.thread = new Thread(this::watch, "edgetrust-credential-reloader");
    this.thread.setDaemon(true);
  }

  void start() {
    reportExpiry();
    thread.start();
  }

  /** Runs {@code action} each time a different server certificate goes into service. */
  void onNewServerCertificate(Runnable action) {
    onNewServerCertificate = action;
  }

  /** Reports every reload and every refused replacement to {@code metrics}. */
  void reportTo(dev.edgetrust.cloudhub.metrics.HubMetrics value) {
    metrics = value;
  }

  /**
   * Checks the files now, puts changed, valid credentials into service, and says whether the
   * credentials in service differ from those of the last call (or the start).
   *
   * <p>The watcher thread may have put new files into service a moment before this call, on their
   * write event: asking "did this call reload them?" would then answer no for credentials that did
   * go into service, which is what a caller wants to know.
   */
  synchronized boolean checkNow() {
    reloadIfChanged();
    List<Object> now = inService();
    boolean changed = !now.equals(reportedInService);
    reportedInService = now;
    return changed;
  }

  private List<Object> inService() {
    return List.of(tls.server().serialHex(), tls.trust());
  }

  /** Checks the files now and puts changed, valid credentials into service. */
  synchronized Outcome reloadIfChanged() {
    Outcome outcome = reload();
    if (outcome != Outcome.UNCHANGED) {
      metrics.serverCertificateReloaded(outcome == Outcome.RELOADED);
    }
    return outcome;
  }

  private Outcome reload() {
    if (serverFiles.updateInProgress()) {
      // The agent is between its two renames; the next event or poll sees the finished pair.
      return Outcome.UNCHANGED;
    }
    List<Object> seen = fingerprint();
    if (seen.equals(lastSeen)) {
      return Outcome.UNCHANGED;
    }
    lastSeen = seen;
    HeldCertificate server;
    List<X509Certificate> trust;
    try {
      server =
          serverFiles
              .peek()
              .orElseThrow(
                  () -> new CredentialFileException(serverFiles.certificateFile(), "is missing"));
      trust = KeyCertificateFiles.readCertificates(caFile);
    } catch (CredentialFileException e) {
      log.warn(
          "kept the server certificate in service (serial {}): {}",
          tls.server().serialHex(),
          e.getMessage());
      return Outcome.REFUSED;
    }
    Instant now = clock.instant();
    if (now.isBefore(server.notBefore()) || !now.isBefore(server.notAfter())) {
      log.warn(
          "kept the server certificate in service (serial {}): the new one in {} is not valid now ({} to {})",
          tls.server().serialHex(),
          serverFiles.certificateFile(),
          server.notBefore(),
          server.notAfter());
      return Outcome.REFUSED;
    }
    if (server.serialHex().equals(tls.server().serialHex()) && trust.equals(tls.trust())) {
      return Outcome.UNCHANGED;
    }
    try {
      String old = tls.server().serialHex();
      boolean newServer = !server.serialHex().equals(old);
      tls.replace(server, trust);
      if (newServer) {
        onNewServerCertificate.run();
      }
      log.info(
          "server certificate reloaded: serial {} replaces {}, valid until {}",
          server.serialHex(),
          old,
          server.notAfter());
      return Outcome.RELOADED;
    } catch (SSLException e) {
      log.warn(
          "kept the server certificate in service: the new one cannot be used for TLS: {}",
          e.getMessage());
      return Outcome.REFUSED;
    }
  }

  /**
   * Says once per certificate, loudly, that the server certificate in service is in its last tenth
   * (WARN) or has expired (ERROR, naming the file and the time): from then on every node refuses
   * the handshake, so nothing else the CloudHub logs matters as much.
   *
   * @return the stage reported now, if this call reported one
   */
  synchronized Optional<ServerCertificateExpiry.Stage> reportExpiry() {
    HeldCertificate server = tls.server();
    ServerCertificateExpiry expiry =
        ServerCertificateExpiry.of(server.certificate(), clock.instant());
    ServerCertificateExpiry.Stage stage = expiry.stage();
    String key = server.serialHex() + " " + stage;
    if (stage == ServerCertificateExpiry.Stage.VALID || key.equals(reportedExpiry)) {
      return Optional.empty();
    }
    reportedExpiry = key;
    if (stage == ServerCertificateExpiry.Stage.EXPIRED) {
      log.error(
          "the server certificate in {} (serial {}) expired at {}: every node refuses the handshake until a renewed certificate is written there (is the certificate agent running?)",
          serverFiles.certificateFile(),
          server.serialHex(),
          server.notAfter());
    } else {
      log.warn(
          "the server certificate in {} (serial {}): {}",
          serverFiles.certificateFile(),
          server.serialHex(),
          expiry.warning().orElseThrow());
    }
    return Optional.of(stage);
  }

  /** Size, modification time and content hash of each file: cheap, and blind to nothing. */
  private List<Object> fingerprint() {
    List<Object> parts = new ArrayList<>();
    for (Path p : List.of(serverFiles.keyFile(), serverFiles.certificateFile(), caFile)) {
      try {
        parts.add(Files.getLastModifiedTime(p).toMillis());
        parts.add(Certificates.sha256Hex(Files.readAllBytes(p)));
      } catch (NoSuchFileException e) {
        parts.add("missing");
      } catch (IOException e) {
        parts.add("unreadable " + e.getMessage());
      }
    }
    return parts;
  }

  private void watch() {
    try (WatchService service = FileSystems.getDefault().newWatchService()) {
      watcher = service;
      Set<Path> dirs = new LinkedHashSet<>();
      for (Path p : List.of(serverFiles.keyFile(), serverFiles.certificateFile(), caFile)) {
        dirs.add(p.toAbsolutePath().getParent());
      }
      for (Path dir : dirs) {
        try {
          dir.register(
              service,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
          log.debug("cannot watch {}; polling every {}", dir, pollInterval);
        }
      }
      while (!closed) {
        var key = service.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
          // A writer replaces key and certificate one after the other: let both land.
          Thread.sleep(200);
        }
        reloadIfChanged();
        reportExpiry();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.error("the server certificate watcher stopped: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    WatchService w = watcher;
    if (w != null) {
      try {
        w.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    thread.interrupt();
  }

  @Override
  public String toString() {
    return "CredentialReloader[" + Objects.toString(serverFiles.certificateFile()) + "]";
  }
}
