package dev.edgetrust.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SerialNumbersTest {
  @Test
  void singleByteSerial_isTwoHexDigits() {
    assertThat(SerialNumbers.toColonHex(BigInteger.ONE)).isEqualTo("01");
    assertThat(SerialNumbers.toColonHex(BigInteger.valueOf(0x7f))).isEqualTo("7f");
    assertThat(SerialNumbers.toColonHex(BigInteger.ZERO)).isEqualTo("00");
  }

  @Test
  void serialWithTopBitSet_hasNoSignByte() {
    // BigInteger.toByteArray() gives 00:80 and 00:ff:01; Vault and OpenSSL print 80 and ff:01.
    assertThat(SerialNumbers.toColonHex(BigInteger.valueOf(0x80))).isEqualTo("80");
    assertThat(SerialNumbers.toColonHex(BigInteger.valueOf(0xff01))).isEqualTo("ff:01");
    assertThat(
            SerialNumbers.toColonHex(
                new BigInteger("ff00000000000000000000000000000000000001", 16)))
        .isEqualTo("ff:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:01");
  }

  @Test
  void multiByteSerial_isLowercaseColonSeparatedBytes() {
    assertThat(SerialNumbers.toColonHex(new BigInteger("39dd2e90b7235c5f", 16)))
        .isEqualTo("39:dd:2e:90:b7:23:5c:5f");
  }

  @Test
  void vaultSerial_parsesToTheSameNumber() {
    // The form Vault returns in data.serial_number.
    assertThat(SerialNumbers.parse("39:dd:2e:90:b7:23:5c:5f"))
        .isEqualTo(new BigInteger("39dd2e90b7235c5f", 16));
  }

  @Test
  void randomSerials_roundTrip() {
    Random random = new Random(20240601);
    for (int i = 0; i < 2_000; i++) {
      // 1 to 160 bits: RFC 5280 serials are at most 20 octets; about half have the top bit set.
      BigInteger serial = new BigInteger(1 + random.nextInt(160), random);
      String hex = SerialNumbers.toColonHex(serial);
      assertThat(hex).matches("[0-9a-f]{2}(:[0-9a-f]{2})*");
      assertThat(SerialNumbers.parse(hex)).as(hex).isEqualTo(serial);
    }
  }

  @Test
  void colonHex_isWhatOpenSslStyleByteFormattingGives() {
    byte[] bytes = {(byte) 0x9a, 0x00, 0x7f, (byte) 0xee};
    String expected = HexFormat.ofDelimiter(":").formatHex(bytes);
    assertThat(SerialNumbers.toColonHex(new BigInteger(1, bytes))).isEqualTo(expected);
  }

  @Test
  void parse_acceptsPlainDashedUppercaseAndPaddedForms() {
    BigInteger expected = new BigInteger("1a2b", 16);
    assertThat(SerialNumbers.parse("1a2b")).isEqualTo(expected);
    assertThat(SerialNumbers.parse("1A:2B")).isEqualTo(expected);
    assertThat(SerialNumbers.parse("1a-2b")).isEqualTo(expected);
    assertThat(SerialNumbers.parse("  1a:2b\n")).isEqualTo(expected);
    assertThat(SerialNumbers.parse("00:1a:2b")).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", " ", ":", "::", "-", "xyz", "1a:2g", "0x1a", "+1a", "1a 2b", "1a;2b", "1a\n2b"
      })
  void notHex_isRefused(String text) {
    assertThatThrownBy(() -> SerialNumbers.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a hex serial number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0661\u0662", "\uff11\uff41", "\u0967"})
  void nonAsciiDigits_areRefused(String text) {
    // Arabic-Indic, full-width and Devanagari digits are digits to Character.digit, not hex.
    assertThatThrownBy(() -> SerialNumbers.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a hex serial number");
  }

  @Test
  void parseError_doesNotEchoControlCharacters() {
    assertThatThrownBy(() -> SerialNumbers.parse("zz\n\u001b[2J"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("\n", "\u001b");
  }
}
