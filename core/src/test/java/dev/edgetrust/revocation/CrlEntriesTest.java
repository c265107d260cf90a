package dev.edgetrust.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.x509.Keys;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrlEntriesTest {
  @Test
  void everyEntry_isVisitedOnce_withTheSerialAndDateTheJdkReads() throws Exception {
    List<BigInteger> serials = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // Mixed widths, including serials with the high bit set in their first byte.
      serials.add(BigInteger.valueOf(i).shiftLeft(i % 130).add(BigInteger.valueOf(0x80)));
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509CRL crl = RevocationListTest.crl(Keys.newP256(), serials, now, now.plus(Duration.ofDays(1)), false);
    Map<BigInteger, Instant> fromJdk = new LinkedHashMap<>();
    for (X509CRLEntry entry : crl.getRevokedCertificates()) {
      fromJdk.put(entry.getSerialNumber(), entry.getRevocationDate().toInstant());
    }
    Map<BigInteger, Instant> walked = new LinkedHashMap<>();

    int count = CrlEntries.forEach(crl, walked::put);

    assertThat(count).isEqualTo(serials.size());
    assertThat(walked).isEqualTo(fromJdk);
  }

  @Test
  void crlWithoutEntries_visitsNothing() throws Exception {
    Instant now = Instant.now();
    X509CRL crl = RevocationListTest.crl(Keys.newP256(), List.of(), now, now.plusSeconds(60), false);

    assertThat(CrlEntries.forEach(crl, (serial, at) -> {
      throw new AssertionError("no entry expected");
    })).isZero();
  }
}
