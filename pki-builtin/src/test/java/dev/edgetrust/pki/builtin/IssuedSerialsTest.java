package dev.edgetrust.pki.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.NodeName;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
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
    assertThat(reloaded.of(A, NOW)).containsExactlyInAnyOrder(BigInteger.valueOf(10), BigInteger.valueOf(12));
    assertThat(reloaded.of(B, NOW)).containsExactly(BigInteger.valueOf(11));
  }

  @Test
  void aTornLastLine_isSkipped_butATornEarlierLineIsAnError() throws Exception {
    IssuedSerials serials = IssuedSerials.load(file());
    serials.add(A, BigInteger.valueOf(10), NOW.plus(Duration.ofDays(1)), NOW);
    Files.writeString(IssuedSerials.journalOf(file()), "edge-b 0b 2026-06-0", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);

    assertThat(IssuedSerials.load(file()).of(A, NOW)).containsExactly(BigInteger.valueOf(10));

    Files.writeString(IssuedSerials.journalOf(file()), "\nedge-b 0c 2026-06-02T00:00:00Z\n", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> IssuedSerials.load(file()))
        .isInstanceOf(CredentialFileException.class).hasMessageContaining("line 2");
  }

  @Test
  void compaction_foldsTheJournalIntoTheSnapshot_dropsExpiredEntries_andRemovesTheJournal() throws Exception {
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
}
