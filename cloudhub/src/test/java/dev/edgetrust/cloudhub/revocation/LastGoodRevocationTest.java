package dev.edgetrust.cloudhub.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last good revocation state on disk: kept as signed, verified again when read back. */
class LastGoodRevocationTest {
  private static final Set<NodeName> BLOCKED = Set.of(NodeName.of("edge-lost"));

  /** One CA for the class: making its key is most of the cost. */
  @TempDir static Path caDir;

  static BuiltinCa ca;
  static RevocationList list;

  @TempDir Path dir;
  Path file;
  LastGoodRevocation kept;

  @BeforeAll
  static void ca() throws Exception {
    ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(caDir.resolve("ca.crt"), caDir.resolve("ca.key")), Clock.systemUTC());
    ca.revoke(BigInteger.valueOf(0xbad));
    list = ca.revocationList();
  }

  @BeforeEach
  void setUp() {
    file = dir.resolve("state/" + LastGoodRevocation.FILE);
    kept = new LastGoodRevocation(file);
  }

  private Optional<LastGoodRevocation.Verdict> readBack(Instant now) {
    return new LastGoodRevocation(file).load(ca.trustAnchors(), true, now);
  }

  @Test
  void savedState_isOwnerOnly_andReadBackVerified() throws Exception {
    Instant now = Instant.now();
    assertThat(kept.save(list, BLOCKED, now)).isTrue();

    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    LastGoodRevocation.Verdict verdict = readBack(now).orElseThrow();
    assertThat(verdict).isInstanceOf(LastGoodRevocation.Verdict.Usable.class);
    LastGoodRevocation.Loaded state = ((LastGoodRevocation.Verdict.Usable) verdict).state();
    assertThat(state.list().isRevoked(BigInteger.valueOf(0xbad))).isTrue();
    assertThat(state.list().thisUpdate()).isEqualTo(list.thisUpdate());
    assertThat(state.blocked()).isEqualTo(BLOCKED);
  }

  @Test
  void unchangedState_isNotWrittenAgain_aChangedOneIs() throws Exception {
    assertThat(kept.save(list, BLOCKED, Instant.now())).isTrue();

    assertThat(kept.save(list, BLOCKED, Instant.now())).as("same list, same names").isFalse();
    assertThat(kept.save(list, Set.of(), Instant.now())).as("a node unblocked").isTrue();
  }

  @Test
  void listPastItsNextUpdate_isRefused() throws Exception {
    kept.save(list, BLOCKED, Instant.now());
    Instant after = list.nextUpdate().orElseThrow().plus(Duration.ofSeconds(1));

    assertThat(readBack(after))
        .get()
        .isInstanceOfSatisfying(
            LastGoodRevocation.Verdict.Refused.class,
            r -> assertThat(r.why()).startsWith(file + ": ").contains("past its nextUpdate"));
  }

  @Test
  void fileWithoutACrl_isRefused_whenThePkiPublishesOne() throws Exception {
    kept.save(
        RevocationList.of(List.of(), Instant.now(), Optional.empty()), BLOCKED, Instant.now());

    assertThat(readBack(Instant.now()))
        .get()
        .isInstanceOfSatisfying(
            LastGoodRevocation.Verdict.Refused.class,
            r -> assertThat(r.why()).contains("holds no CRL"));
    assertThat(new LastGoodRevocation(file).load(ca.trustAnchors(), false, Instant.now()))
        .as("a PKI that cannot revoke: only the names are kept")
        .get()
        .isInstanceOf(LastGoodRevocation.Verdict.Usable.class);
  }

  @Test
  void garbage_isRefusedInOneLine_andAMissingFileIsNoState() throws Exception {
    assertThat(readBack(Instant.now())).isEmpty();
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"crl\": \"bm90IGEgY3Js\"}");

    assertThat(readBack(Instant.now()))
        .get()
        .isInstanceOfSatisfying(
            LastGoodRevocation.Verdict.Refused.class,
            r -> assertThat(r.why()).contains("not a CRL").doesNotContain("\n"));
  }
}
