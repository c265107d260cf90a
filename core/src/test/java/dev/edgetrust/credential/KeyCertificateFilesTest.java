package dev.edgetrust.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.pki.NodeName;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.Pem;
import dev.edgetrust.x509.TestCertificates;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCertificateFilesTest {
  private static X509Certificate ca;
  private static HeldCertificate oldPair;
  private static HeldCertificate newPair;

  @TempDir Path dir;
  private Path keyFile;
  private Path certificateFile;
  private KeyCertificateFiles files;

  @BeforeAll
  static void makePairs() {
    KeyPair caKey = Keys.newP256();
    ca = TestCertificates.selfSignedCa(caKey, "CN=test CA");
    oldPair = issue(caKey, BigInteger.valueOf(1));
    newPair = issue(caKey, BigInteger.valueOf(2));
  }

  private static HeldCertificate issue(KeyPair caKey, BigInteger serial) {
    KeyPair key = Keys.newP256();
    X509Certificate leaf =
        TestCertificates.leaf(
            key.getPublic(),
            X500Name.getInstance(NodeName.of("edge-1").subject().getEncoded()),
            caKey.getPrivate(),
            new X500Name("CN=test CA"),
            serial);
    return new HeldCertificate(key.getPrivate(), List.of(leaf, ca));
  }

  @BeforeEach
  void paths() {
    keyFile = dir.resolve("keys/edge.key");
    certificateFile = dir.resolve("certs/edge.crt");
    files = new KeyCertificateFiles(keyFile, certificateFile);
  }

  @Test
  void writtenPair_readsBackAsTheSamePair() throws Exception {
    assertThat(files.exists()).isFalse();
    files.write(oldPair);
    assertThat(files.exists()).isTrue();

    HeldCertificate read = files.read().orElseThrow();
    assertSamePair(read, oldPair);
    assertThat(read.chain()).containsExactly(oldPair.certificate(), ca);
    assertThat(mode(keyFile)).isEqualTo("rw-------");
    assertThat(mode(keyFile.getParent())).isEqualTo("rwx------");
    assertThat(mode(certificateFile)).isEqualTo("rw-r--r--");
    assertThat(names(keyFile.getParent())).containsExactly("edge.key");
    assertThat(names(certificateFile.getParent())).containsExactly("edge.crt");
  }

  @Test
  void secondWrite_replacesBothFiles() throws Exception {
    files.write(oldPair);
    files.write(newPair);
    assertSamePair(files.read().orElseThrow(), newPair);
    assertThat(names(keyFile.getParent())).containsExactly("edge.key");
    assertThat(names(certificateFile.getParent())).containsExactly("edge.crt");
  }

  @Test
  void noFiles_readsAsEmpty() throws Exception {
    assertThat(files.read()).isEmpty();
  }

  // The crash states below are made by hand, file by file, as write() leaves them when the
  // process dies between two of its steps: stage key, stage certificate, rename key, rename
  // certificate.

  @Test
  void crashAfterStagingTheKeyOnly_readsTheOldPair() throws Exception {
    files.write(oldPair);
    stageKey(newPair);
    assertSamePair(files.read().orElseThrow(), oldPair);
    assertNothingStaged();
  }

  @Test
  void crashAfterStagingBoth_readsTheOldPair() throws Exception {
    files.write(oldPair);
    stageKey(newPair);
    stageCertificate(newPair);
    assertSamePair(files.read().orElseThrow(), oldPair);
    assertNothingStaged();
  }

  @Test
  void crashAfterRenamingTheKey_finishesTheSwapAndReadsTheNewPair() throws Exception {
    files.write(oldPair);
    stageCertificate(newPair);
    AtomicFile.writeSecret(
        keyFile, Pem.privateKey(newPair.privateKey()).getBytes(StandardCharsets.US_ASCII));
    assertSamePair(files.read().orElseThrow(), newPair);
    assertNothingStaged();
    // Finished for good: a second read needs no recovery and gives the same.
    assertSamePair(files.read().orElseThrow(), newPair);
  }

  @Test
  void
      view_duringASwapWithTheKeyAlreadyRenamed_seesTheMismatch_andLeavesTheWritersStagedCertificateAlone()
          throws Exception {
    files.write(oldPair);
    stageCertificate(newPair);
    AtomicFile.writeSecret(
        keyFile, Pem.privateKey(newPair.privateKey()).getBytes(StandardCharsets.US_ASCII));
    KeyCertificateView view = files.view();

    assertThat(view.updateInProgress()).isTrue();
    assertThatThrownBy(view::peek)
        .isInstanceOf(CredentialFileException.class)
        .hasMessageContaining("does not match");
    // Only the writer finishes the swap: the staged certificate is still there for it.
    assertThat(view.updateInProgress()).isTrue();
    assertSamePair(files.read().orElseThrow(), newPair);
    assertThat(view.updateInProgress()).isFalse();
    assertSamePair(view.peek().orElseThrow(), newPair);
  }

  @Test
  void view_withOnlyTheKeyStaged_seesTheOldPair_andDiscardsNothing() throws Exception {
    files.write(oldPair);
    stageKey(newPair);

    assertSamePair(KeyCertificateView.of(keyFile, certificateFile).peek().orElseThrow(), oldPair);
    assertThat(files.view().updateInProgress())
        .as("the writer's staged key is left for the writer")
        .isTrue();
  }

  @Test
  void firstEverWrite_crashBeforeAnyRename_readsAsEmpty() throws Exception {
    stageKey(newPair);
    stageCertificate(newPair);
    assertThat(files.read()).isEmpty();
    assertNothingStaged();
  }

  @Test
  void firstEverWrite_crashAfterRenamingTheKey_readsTheNewPair() throws Exception {
    stageCertificate(newPair);
    AtomicFile.writeSecret(
        keyFile, Pem.privateKey(newPair.privateKey()).getBytes(StandardCharsets.US_ASCII));
    assertSamePair(files.read().orElseThrow(), newPair);
    assertNothingStaged();
  }

  @Test
  void
      writeInterruptedAfterStagingItsKey_followingAnEarlierCrashAfterTheKeyRename_readsAMatchingPair()
          throws Exception {
    // An earlier write of newPair died after renaming its key: live key new, live certificate old,
    // new certificate staged. No read() ran since (a CLI command that only writes, say).
    files.write(oldPair);
    stageCertificate(newPair);
    AtomicFile.writeSecret(
        keyFile, Pem.privateKey(newPair.privateKey()).getBytes(StandardCharsets.US_ASCII));

    // The next write dies after staging its key: its chain cannot be encoded.
    KeyPair thirdKey = Keys.newP256();
    HeldCertificate third =
        new HeldCertificate(
            thirdKey.getPrivate(),
            List.of(
                TestCertificates.selfSignedLeaf(thirdKey, new X500Name("CN=system:node:edge-1")),
                new UnencodableCertificate(ca)));
    assertThatThrownBy(() -> files.write(third)).hasRootCauseMessage("injected failure");

    // Had write() staged over the leftover without finishing the earlier swap first, recovery
    // would now discard the staged files and leave the new key with the old certificate.
    assertSamePair(files.read().orElseThrow(), newPair);
    assertNothingStaged();
  }

  @Test
  void readWithOnlyTheCertificate_namesTheMissingKeyFile() throws Exception {
    KeyCertificateFiles.writeCertificates(certificateFile, oldPair.chain());
    assertThatThrownBy(files::read)
        .isInstanceOfSatisfying(
            CredentialFileException.class, e -> assertThat(e.file()).isEqualTo(keyFile))
        .hasMessage(keyFile + ": is missing, but its certificate " + certificateFile + " exists");
  }

  @Test
  void readWithOnlyTheKey_namesTheMissingCertificateFile() throws Exception {
    AtomicFile.writeSecret(
        keyFile, Pem.privateKey(oldPair.privateKey()).getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(files::read)
        .isInstanceOfSatisfying(
            CredentialFileException.class, e -> assertThat(e.file()).isEqualTo(certificateFile))
        .hasMessage(certificateFile + ": is missing, but its key " + keyFile + " exists");
  }

  @Test
  void mismatchedPair_isRefusedNamingBothFiles() throws Exception {
    AtomicFile.writeSecret(
        keyFile, Pem.privateKey(oldPair.privateKey()).getBytes(StandardCharsets.US_ASCII));
    KeyCertificateFiles.writeCertificates(certificateFile, newPair.chain());
    assertThatThrownBy(files::read)
        .isInstanceOfSatisfying(
            CredentialFileException.class, e -> assertThat(e.file()).isEqualTo(keyFile))
        .hasMessage(keyFile + ": does not match the certificate in " + certificateFile);
  }

  @Test
  void unreadableKey_isRefusedNamingTheKeyFileWithoutItsContent() throws Exception {
    files.write(oldPair);
    String pem = Files.readString(keyFile);
    String body = pem.lines().toList().get(1);
    Files.writeString(
        keyFile, pem.replace(body, body.substring(0, 20) + "%%%%" + body.substring(24)));
    assertThatThrownBy(files::read)
        .isInstanceOfSatisfying(
            CredentialFileException.class, e -> assertThat(e.file()).isEqualTo(keyFile))
        .hasMessageStartingWith(keyFile + ": ")
        .message()
        .doesNotContain(body.substring(0, 20))
        .doesNotContain(body.substring(24, 44));
  }

  @Test
  void unreadableCertificate_isRefusedNamingTheCertificateFile() throws Exception {
    files.write(oldPair);
    Files.writeString(certificateFile, "not a certificate\n");
    assertThatThrownBy(files::read)
        .isInstanceOfSatisfying(
            CredentialFileException.class, e -> assertThat(e.file()).isEqualTo(certificateFile))
        .hasMessageStartingWith(certificateFile + ": ");
  }

  @Test
  void readKeyAndReadCertificatesOfMissingFiles_sayTheFileDoesNotExist() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> KeyCertificateFiles.readKey(missing))
        .isInstanceOf(CredentialFileException.class)
        .hasMessage(missing + ": does not exist");
    assertThatThrownBy(() -> KeyCertificateFiles.readCertificates(missing))
        .isInstanceOf(CredentialFileException.class)
        .hasMessage(missing + ": does not exist");
  }

  @Test
  void writeCertificates_writesAPublicPemChain() throws Exception {
    Path bundle = dir.resolve("ca/bundle.pem");
    KeyCertificateFiles.writeCertificates(bundle, List.of(newPair.certificate(), ca));
    assertThat(mode(bundle)).isEqualTo("rw-r--r--");
    assertThat(KeyCertificateFiles.readCertificates(bundle))
        .containsExactly(newPair.certificate(), ca);
  }

  @Test
  void derCertificateFile_isRead() throws Exception {
    Path der = dir.resolve("ca.crt");
    Files.write(der, ca.getEncoded());
    assertThat(KeyCertificateFiles.readCertificates(der)).containsExactly(ca);
  }

  private void stageKey(HeldCertificate pair) throws IOException {
    AtomicFile.writeSecret(
        KeyCertificateFiles.staged(keyFile),
        Pem.privateKey(pair.privateKey()).getBytes(StandardCharsets.US_ASCII));
  }

  private void stageCertificate(HeldCertificate pair) throws IOException {
    AtomicFile.writePublic(
        KeyCertificateFiles.staged(certificateFile),
        Pem.certificates(pair.chain()).getBytes(StandardCharsets.US_ASCII));
  }

  private void assertNothingStaged() {
    assertThat(KeyCertificateFiles.staged(keyFile)).doesNotExist();
    assertThat(KeyCertificateFiles.staged(certificateFile)).doesNotExist();
  }

  private static void assertSamePair(HeldCertificate actual, HeldCertificate expected) {
    assertThat(actual.privateKey().getEncoded()).isEqualTo(expected.privateKey().getEncoded());
    assertThat(actual.chain()).isEqualTo(expected.chain());
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      return list.map(p -> p.getFileName().toString()).toList();
    }
  }
}
