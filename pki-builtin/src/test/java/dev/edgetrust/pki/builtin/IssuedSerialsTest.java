package dev.edgetrust.pki.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssuedSerialsTest {
  private static final NodeName A = NodeName.of("edge-a");
  private static final NodeName B = NodeName.of("edge-b");
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("issued-serials.json");
  }

  @Test
  void eachSignatureIsOneJournalLine_andSurvivesARestart() throws Exception {
    IssuedSerials serials = IssuedSerials.load(file());
    serials.add(A, BigInteger.valueOf(10), NOW.plus(Duration.ofDays(1)), NOW);
    serials.add(B, BigInteger.valueOf(11), NOW.plus(Duration.ofDays(1)), NOW);
    serials.add(A, BigInteger.valueOf(12), NOW.plus(Duration.ofDays(1)), NOW);

    assertThat(Files.readAllLines(IssuedSerials.journalOf(file()))).hasSize(3);
    IssuedSerials reloaded = IssuedSerials.load(file());
    assertThat(reloaded.of(A, NOW))
        .containsExactlyInAnyOrder(BigInteger.valueOf(10), BigInteger.valueOf(12));
    assertThat(reloaded.of(B, NOW)).containsExactly(BigInteger.valueOf(11));
  }

  @Test
  void aTornLastLine_isSkipped_butATornEarlierLineIsAnError() throws Exception {
    IssuedSerials serials = IssuedSerials.load(file());
    serials.add(A, BigInteger.valueOf(10), NOW.plus(Duration.ofDays(1)), NOW);
    Files.writeString(
        IssuedSerials.journalOf(file()),
        "edge-b 0b 2026-06-0",
        StandardCharsets.US_ASCII,
        StandardOpenOption.APPEND);

    assertThat(IssuedSerials.load(file()).of(A, NOW)).containsExactly(BigInteger.valueOf(10));

    Files.writeString(
        IssuedSerials.journalOf(file()),
        "\nedge-b 0c 2026-06-02T00:00:00Z\n",
        StandardCharsets.US_ASCII,
        StandardOpenOption.APPEND);
    assertThatThrownBy(() -> IssuedSerials.load(file()))
        .isInstanceOf(CredentialFileException.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void compaction_foldsTheJournalIntoTheSnapshot_dropsExpiredEntries_andRemovesTheJournal()
      throws Exception {
    IssuedSerials serials = IssuedSerials.load(file());
    serials.add(A, BigInteger.valueOf(10), NOW.plus(Duration.ofHours(1)), NOW);
    serials.add(B, BigInteger.valueOf(11), NOW.plus(Duration.ofDays(2)), NOW);

    serials.compact(NOW.plus(Duration.ofDays(1)));

    assertThat(IssuedSerials.journalOf(file())).doesNotExist();
    IssuedSerials reloaded = IssuedSerials.load(file());
    assertThat(reloaded.of(A, NOW)).isEmpty();
    assertThat(reloaded.of(B, NOW)).containsExactly(BigInteger.valueOf(11));
  }

  @Test
  void journalLongerThanTheMinimum_isCompactedOnItsOwn() throws Exception {
    IssuedSerials serials = IssuedSerials.load(file());
    for (int i = 0; i < IssuedSerials.MIN_COMPACTION; i++) {
      serials.add(A, BigInteger.valueOf(1000 + i), NOW.plus(Duration.ofDays(1)), NOW);
    }

    assertThat(IssuedSerials.journalOf(file())).doesNotExist();
    assertThat(file()).exists();
    assertThat(IssuedSerials.load(file()).of(A, NOW)).hasSize(IssuedSerials.MIN_COMPACTION);
  }

  @Test
  void concurrentSignatures_everyReturnedSerialIsInTheInventoryAfterARestart() throws Exception {
    BuiltinCaFiles files =
        BuiltinCaFiles.of(dir.resolve("ca/rootCA.crt"), dir.resolve("ca/rootCA.key"));
    BuiltinCa ca = BuiltinCa.loadOrCreate(files, Clock.systemUTC());
    Csr csr = Csr.create(Keys.newP256(), A.subject());
    int threads = 8;
    // More than MIN_COMPACTION in all, so the journal is folded into the snapshot while others wait
    // on it.
    int each = IssuedSerials.MIN_COMPACTION / threads + 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<NodeName, Set<BigInteger>> returned = new ConcurrentHashMap<>();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        NodeName node = NodeName.of("edge-" + t);
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    BigInteger serial =
                        ca.sign(
                                SigningRequest.forNode(
                                    node,
                                    csr,
                                    EnumSet.of(CertificateUsage.CLIENT_AUTH),
                                    Duration.ofHours(1)))
                            .serial();
                    returned.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet()).add(serial);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // No close(): a restart after a crash finds what was written, not what a shutdown flushed.
    BuiltinCa restarted = BuiltinCa.loadOrCreate(files, Clock.systemUTC());
    assertThat(returned).hasSize(threads);
    returned.forEach(
        (node, serials) -> {
          assertThat(serials).hasSize(each);
          assertThat(restarted.issuedSerials(node)).as(node.value()).containsAll(serials);
        });
  }

  @Test
  void journalTickets_awaitedFromManyThreads_allReturn_andEveryLineIsInTheFile() throws Exception {
    Path file = dir.resolve("journal");
    int threads = 6;
    int each = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (SerialJournal journal = new SerialJournal(file)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    journal.awaitDurable(
                        journal.append(
                            ("line " + thread + " " + i + "\n")
                                .getBytes(StandardCharsets.US_ASCII)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    assertThat(lines)
        .hasSize(threads * each)
        .doesNotHaveDuplicates()
        .allMatch(l -> l.matches("line \\d \\d+"));
  }

  @Test
  void journalReplaced_countsEveryAppendedLineDurable_andRemovesTheFile() throws Exception {
    Path file = dir.resolve("journal");
    try (SerialJournal journal = new SerialJournal(file)) {
      long ticket =
          journal.append("edge-a 0a 2026-06-02T00:00:00Z\n".getBytes(StandardCharsets.US_ASCII));

      journal.replaced();

      journal.awaitDurable(ticket);
      assertThat(file).doesNotExist();
      journal.awaitDurable(
          journal.append("edge-a 0b 2026-06-02T00:00:00Z\n".getBytes(StandardCharsets.US_ASCII)));
      assertThat(Files.readAllLines(file)).containsExactly("edge-a 0b 2026-06-02T00:00:00Z");
    }
  }
}
