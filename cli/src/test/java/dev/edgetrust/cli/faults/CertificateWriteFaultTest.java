package dev.edgetrust.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import dev.edgetrust.edgehub.ConnectionState;
import dev.edgetrust.edgehub.EdgeHub;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.enrollment.NodeCredentials;
import dev.edgetrust.pki.NodeName;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewed certificate that cannot be written: the disk is full, the file system read-only, or a
 * path is in the way. The old pair must stay byte for byte and in use, the error must be logged
 * naming the files, and the renewal must be retried, succeeding once the fault clears, with no
 * restart. A real EdgeHub against a real CloudHub with the built-in CA; the tmpfs variants mount a
 * real 64 KiB file system, the last one runs anywhere.
 */
class CertificateWriteFaultTest {
  private static final Duration PATIENCE = Duration.ofSeconds(40);
  private static final NodeName NODE = NodeName.of("edge-disk");

  @TempDir Path dir;
  private Cloud cloud;
  private EdgeHub edge;
  private LogCapture logs;
  private Path mounted;

  @BeforeEach
  void startCloud() throws Exception {
    // A day's certificate: no renewal of its own during the test, only the one we ask for.
    cloud = new Cloud(dir.resolve("cloud"), b -> b.edgeCertSigningDuration(Duration.ofDays(1)));
    logs = LogCapture.attach();
  }

  @AfterEach
  void stopAll() throws Exception {
    if (edge != null) {
      edge.close();
    }
    cloud.close();
    logs.close();
    if (mounted != null) {
      run("umount", mounted.toString());
      mounted = null;
    }
  }

  @Test
  void
      diskFullDuringRenewal_oldPairStaysAndServes_errorNamesTheFile_andTheRetrySucceedsOnceSpaceIsFree()
          throws Exception {
    Path volume = mountTmpfs();
    Node node = startNode(volume.resolve("kubeedge"));

    Path filler = volume.resolve("filler");
    fill(filler);

    CompletableFuture<NodeCredentials> renewal = edge.renewNow();
    String failure = failureOf(renewal);
    assertThat(failure)
        .contains("No space left on device")
        .contains(node.settings.privateKeyFile().toString());
    node.assertOldPairIntactAndServing();
    assertThat(logs.lines(Level.ERROR, node.settings.privateKeyFile().toString()))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("No space left on device")
                    .contains("keeping serial " + node.serial));

    Files.delete(filler);
    node.awaitRenewedWithoutRestart();
  }

  @Test
  void
      readOnlyFileSystemDuringRenewal_oldPairStaysAndServes_errorNamesTheFile_andTheRetrySucceedsWhenWritable()
          throws Exception {
    Path volume = mountTmpfs();
    Node node = startNode(volume.resolve("kubeedge"));

    int remount = run("mount", "-o", "remount,ro", volume.toString());
    assumeTrue(remount == 0, "cannot remount the test tmpfs read-only here");
    try {
      String failure = failureOf(edge.renewNow());
      assertThat(failure)
          .contains("Read-only file system")
          .contains(node.settings.privateKeyFile().toString());
      node.assertOldPairIntactAndServing();
      assertThat(logs.lines(Level.ERROR, node.settings.privateKeyFile().toString()))
          .anySatisfy(line -> assertThat(line).contains("Read-only file system"));
    } finally {
      assertThat(run("mount", "-o", "remount,rw", volume.toString())).isZero();
    }
    node.awaitRenewedWithoutRestart();
  }

  /**
   * Runs anywhere, as any user (root included): a directory where the staged key must go makes the
   * write fail in the file layer itself, with no seam in the product.
   */
  @Test
  void
      somethingInTheWayOfTheStagedKey_oldPairStaysAndServes_errorNamesTheFile_andTheRetrySucceedsWhenItIsGone()
          throws Exception {
    Node node = startNode(dir.resolve("edge"));
    Path inTheWay =
        node.settings
            .privateKeyFile()
            .resolveSibling(node.settings.privateKeyFile().getFileName() + ".next");
    Files.createDirectories(inTheWay.resolve("occupied"));

    String failure = failureOf(edge.renewNow());
    assertThat(failure)
        .contains(
            "cannot write the renewed key and certificate to " + node.settings.privateKeyFile());
    node.assertOldPairIntactAndServing();
    assertThat(logs.lines(Level.ERROR, node.settings.privateKeyFile().toString()))
        .anySatisfy(
            line ->
                assertThat(line).contains("certificate renewal failed").contains("retrying in"));

    Files.delete(inTheWay.resolve("occupied"));
    // Emptied, it looks like a leftover staged key: the node's next write may remove it first.
    Files.deleteIfExists(inTheWay);
    node.awaitRenewedWithoutRestart();
  }

  // ---- the node ----

  private final class Node {
    final EdgeHubSettings settings;
    final String serial;
    final byte[] key;
    final byte[] certificate;
    final int issuedBefore;

    Node(EdgeHubSettings settings) throws IOException {
      this.settings = settings;
      this.serial = cloud.sessionSerial(NODE).orElseThrow();
      this.key = Files.readAllBytes(settings.privateKeyFile());
      this.certificate = Files.readAllBytes(settings.certificateFile());
      this.issuedBefore = cloud.issued.size();
    }

    void assertOldPairIntactAndServing() throws IOException {
      assertThat(Files.readAllBytes(settings.privateKeyFile())).as("key file").isEqualTo(key);
      assertThat(Files.readAllBytes(settings.certificateFile()))
          .as("certificate file")
          .isEqualTo(certificate);
      // The CloudHub did sign a new certificate: the fault is on the node's side alone.
      assertThat(cloud.issued.size()).isGreaterThan(issuedBefore);
      assertThat(cloud.sessionSerial(NODE)).contains(serial);
      assertThat(edge.status().state()).isEqualTo(ConnectionState.CONNECTED);
      assertThat(edge.status().certificateSerial()).contains(serial);
      assertThat(edge.status().rotations()).isZero();
    }

    void awaitRenewedWithoutRestart() throws Exception {
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  edge.status().rotations() == 1
                      && cloud.sessionSerial(NODE).filter(s -> !s.equals(serial)).isPresent());
      String now = cloud.sessionSerial(NODE).orElseThrow();
      assertThat(edge.status().certificateSerial()).contains(now);
      assertThat(settings.credentialFiles().read().orElseThrow().serialHex()).isEqualTo(now);
      try (Stream<Path> left = Files.list(settings.privateKeyFile().getParent())) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("nothing staged or half-written is left behind")
            .containsExactlyInAnyOrder("server.crt", "server.key");
      }
    }
  }

  private Node startNode(Path credentials) throws Exception {
    EdgeHubSettings settings =
        cloud.edge(NODE, credentials).toBuilder().token(cloud.token(Duration.ofHours(1))).build();
    edge = EdgeHub.builder(settings).build();
    edge.start();
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                cloud.sessionSerial(NODE).isPresent()
                    && edge.status().state() == ConnectionState.CONNECTED);
    return new Node(settings);
  }

  private static String failureOf(CompletableFuture<NodeCredentials> renewal) throws Exception {
    try {
      renewal.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    }
    throw new AssertionError("the renewal was expected to fail, but it succeeded");
  }

  // ---- the file system ----

  private Path mountTmpfs() throws Exception {
    Path volume = Files.createDirectories(dir.resolve("tmpfs"));
    int status = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", volume.toString());
    assumeTrue(
        status == 0,
        "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN); the portable variant still runs");
    mounted = volume;
    return volume;
  }

  /** Writes until the file system says it is full. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1024; i++) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left on device");
      return;
    }
    throw new AssertionError(
        "a 64 KiB tmpfs took 4 MiB: it is not the small file system the test mounted");
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    if (process.exitValue() != 0) {
      System.err.println(String.join(" ", List.of(command)) + ": " + output.strip());
    }
    return process.exitValue();
  }
}
