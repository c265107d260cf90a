package dev.edgetrust.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.x509.Keys;
import dev.edgetrust.x509.TestCertificates;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeNameTest {
  private static KeyPair key;

  @BeforeAll
  static void generateKey() {
    key = Keys.newP256();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "edge-1", "edge.node-2.example", "0", "9node", "a-b-c.d-e"})
  void validNames_areAccepted(String name) {
    assertThat(NodeName.of(name).value()).isEqualTo(name);
  }

  @Test
  void nameOf253Characters_isAccepted() {
    String name =
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
    assertThat(name).hasSize(253);
    assertThat(NodeName.of(name).value()).isEqualTo(name);
  }

  @Test
  void nameOf254Characters_isRefused() {
    String name =
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(62);
    assertThat(name).hasSize(254);
    assertThatThrownBy(() -> NodeName.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid node name")
        .hasMessageContaining("253");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Edge",
        "EDGE-1",
        "-edge",
        "edge-",
        ".edge",
        "edge.",
        "edge..one",
        "edge_1",
        "edge 1",
        "edge:1",
        "system:node:edge",
        "édge",
        "edge/1",
        "edge\u0000",
        "edge\nx"
      })
  void invalidNames_areRefused(String name) {
    assertThatThrownBy(() -> NodeName.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid node name");
  }

  @Test
  void nullName_isRefusedWithNullPointer() {
    assertThatThrownBy(() -> NodeName.of(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void invalidNameWithControlCharacters_isPrintedWithoutThem() {
    assertThatThrownBy(() -> NodeName.of("evil\nINFO forged log line\r\u001b[31m"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("\n", "\r", "\u001b")
        .contains("evil?INFO forged log line??[31m");
  }

  @Test
  void printable_replacesEveryControlCharacterAndKeepsTheRest() {
    assertThat(NodeName.printable("a\u0000b\u001fc\u007fd e~")).isEqualTo("a?b?c?d e~");
  }

  @Test
  void printable_replacesUnicodeLineBreaksAndC1Controls() {
    // NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR end a line in many log viewers.
    assertThat(NodeName.printable("a\u0085b\u2028c\u2029d\u009be")).isEqualTo("a?b?c?d?e");
  }

  @Test
  void printable_clipsLongInputTo80Characters() {
    String clipped = NodeName.printable("x".repeat(10_000));
    assertThat(clipped).isEqualTo("x".repeat(80) + "…");
  }

  @Test
  void printable_leavesShortInputAlone() {
    assertThat(NodeName.printable("x".repeat(80))).isEqualTo("x".repeat(80));
  }

  @Test
  void commonName_hasTheKubernetesNodePrefix() {
    assertThat(NodeName.of("edge-1").commonName()).isEqualTo("system:node:edge-1");
  }

  @Test
  void fromCommonName_acceptsOnlyThePrefixedValidName() {
    assertThat(NodeName.fromCommonName("system:node:edge-1")).contains(NodeName.of("edge-1"));
    assertThat(NodeName.fromCommonName("system:node:")).isEmpty();
    assertThat(NodeName.fromCommonName("system:node:Edge")).isEmpty();
    assertThat(NodeName.fromCommonName("system:nodes:edge-1")).isEmpty();
    assertThat(NodeName.fromCommonName("System:Node:edge-1")).isEmpty();
    assertThat(NodeName.fromCommonName(" system:node:edge-1")).isEmpty();
    assertThat(NodeName.fromCommonName("edge-1")).isEmpty();
    assertThat(NodeName.fromCommonName("kubeedge.io")).isEmpty();
    assertThat(NodeName.fromCommonName(null)).isEmpty();
  }

  @Test
  void subject_roundTripsThroughACertificate() {
    NodeName node = NodeName.of("edge-1.site-a");
    X500Principal subject = node.subject();
    assertThat(NodeName.commonNames(subject)).containsExactly("system:node:edge-1.site-a");
    assertThat(subject.getName(X500Principal.RFC2253))
        .isEqualTo("CN=system:node:edge-1.site-a,O=system:nodes");

    X509Certificate certificate =
        TestCertificates.selfSignedLeaf(key, X500Name.getInstance(subject.getEncoded()));
    assertThat(NodeName.fromCertificate(certificate)).isEqualTo(node);
  }

  @Test
  void fromCertificate_withWrongPrefix_isRefused() {
    X509Certificate certificate =
        TestCertificates.selfSignedLeaf(key, new X500Name("CN=kubeedge.io, O=kubeEdge"));
    assertThatThrownBy(() -> NodeName.fromCertificate(certificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'kubeedge.io' is not of the form system:node:<node>");
  }

  @Test
  void fromCertificate_withInvalidNodeNameAfterPrefix_isRefused() {
    X509Certificate certificate =
        TestCertificates.selfSignedLeaf(key, new X500Name("CN=system:node:Edge_1"));
    assertThatThrownBy(() -> NodeName.fromCertificate(certificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not of the form");
  }

  @Test
  void fromCertificate_withTwoCommonNames_isRefused() {
    X509Certificate certificate =
        TestCertificates.selfSignedLeaf(
            key, new X500Name("CN=system:node:edge-1, CN=system:node:edge-2, O=system:nodes"));
    assertThatThrownBy(() -> NodeName.fromCertificate(certificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 common names, expected one");
  }

  @Test
  void fromCertificate_withTwoCommonNamesInOneMultiValuedRdn_isRefused() {
    // CN=system:node:edge-1+CN=system:node:edge-2: one RDN, two common names.
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addMultiValuedRDN(
                new ASN1ObjectIdentifier[] {BCStyle.CN, BCStyle.CN},
                new String[] {"system:node:edge-2", "system:node:edge-1"})
            .addRDN(BCStyle.O, "system:nodes")
            .build();
    X509Certificate certificate = TestCertificates.selfSignedLeaf(key, subject);
    assertThat(NodeName.commonNames(certificate.getSubjectX500Principal()))
        .containsExactlyInAnyOrder("system:node:edge-1", "system:node:edge-2");
    assertThatThrownBy(() -> NodeName.fromCertificate(certificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 common names, expected one");
  }

  @Test
  void fromCertificate_findsTheCommonNameInAMultiValuedRdnWithAnotherAttribute() {
    // C sorts before CN, so a reader that looks only at an RDN's first attribute misses the CN.
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addMultiValuedRDN(
                new AttributeTypeAndValue[] {
                  new AttributeTypeAndValue(BCStyle.CN, new DERUTF8String("system:node:edge-1")),
                  new AttributeTypeAndValue(
                      BCStyle.C, new org.bouncycastle.asn1.DERPrintableString("NL"))
                })
            .build();
    X509Certificate certificate = TestCertificates.selfSignedLeaf(key, subject);
    assertThat(NodeName.fromCertificate(certificate)).isEqualTo(NodeName.of("edge-1"));
  }

  @Test
  void fromCertificate_withoutCommonName_isRefused() {
    X509Certificate certificate =
        TestCertificates.selfSignedLeaf(key, new X500Name("O=system:nodes"));
    assertThatThrownBy(() -> NodeName.fromCertificate(certificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 common names");
  }

  @Test
  void fromCertificate_withEscapedCharactersInCommonName_comparesTheUnescapedValue() {
    // A '+' or ',' inside the value is escaped in RFC 2253 form; it must not split the name.
    X509Certificate certificate =
        TestCertificates.selfSignedLeaf(key, new X500Name("CN=system:node:edge\\+1\\,x"));
    assertThat(NodeName.commonNames(certificate.getSubjectX500Principal()))
        .containsExactly("system:node:edge+1,x");
    assertThatThrownBy(() -> NodeName.fromCertificate(certificate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not of the form");
  }

  @Test
  void equalityAndOrder_followTheName() {
    assertThat(NodeName.of("a")).isEqualTo(NodeName.of("a")).hasSameHashCodeAs(NodeName.of("a"));
    assertThat(NodeName.of("a")).isNotEqualTo(NodeName.of("b"));
    assertThat(NodeName.of("a")).isLessThan(NodeName.of("b"));
    assertThat(NodeName.of("edge-1")).hasToString("edge-1");
  }
}
