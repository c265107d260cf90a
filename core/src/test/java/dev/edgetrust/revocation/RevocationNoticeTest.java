package dev.edgetrust.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RevocationNoticeTest {
  @Test
  void aNoticeIsReadBackAsWhatItSays() {
    String reason = RevocationNotice.BLOCKED.reason("node edge-1 is blocked");

    assertThat(reason).isEqualTo("blocked: node edge-1 is blocked");
    assertThat(RevocationNotice.of(1008, reason)).contains(RevocationNotice.BLOCKED);
    assertThat(RevocationNotice.of(1008, RevocationNotice.REVOKED.reason("serial 01 is revoked")))
        .contains(RevocationNotice.REVOKED);
  }

  @Test
  void otherClosesAreNotNotices() {
    // A CloudHub that cannot check says "later" (1013); a keepalive timeout is 1008 without a
    // prefix.
    assertThat(RevocationNotice.of(1013, "blocked: no")).isEmpty();
    assertThat(RevocationNotice.of(1008, "keepalive timeout")).isEmpty();
    assertThat(RevocationNotice.of(1000, "revoked: x")).isEmpty();
    assertThat(RevocationNotice.of(1008, null)).isEmpty();
  }

  @Test
  void aLongDetailIsCutToWhatACloseFrameHolds_keepingThePrefix() {
    String reason =
        RevocationNotice.REVOKED.reason("certificate serial " + "ab:".repeat(60) + " is revoked");

    assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(123);
    assertThat(RevocationNotice.of(1008, reason)).contains(RevocationNotice.REVOKED);
  }
}
