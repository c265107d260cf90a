package dev.edgetrust.pki;

import dev.edgetrust.x509.Certificates;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The name of an edge node as Kubernetes knows it, and the certificate subject that goes with it.
 *
 * <p>A node's certificate always carries {@code CN=system:node:<name>, O=system:nodes}; this class
 * is the one place that turns names into subjects and back, so that every check in the system
 * agrees on what "this node's own name" means.
 */
public final class NodeName implements Comparable<NodeName> {
  public static final String COMMON_NAME_PREFIX = "system:node:";
  public static final String ORGANIZATION = "system:nodes";

  /** A Kubernetes node name is a DNS-1123 subdomain. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final int MAX_LENGTH = 253;

  private final String value;

  private NodeName(String value) {
    this.value = value;
  }

  /**
   * Returns the node name {@code name}.
   *
   * @throws IllegalArgumentException if it is not a valid Kubernetes node name
   */
  public static NodeName of(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > MAX_LENGTH || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + printable(name)
              + "' is not a valid node name (lowercase letters, digits, '-' and '.', at most "
              + MAX_LENGTH
              + " characters)");
    }
    return new NodeName(name);
  }

  /** The node named by a common name {@code system:node:<name>}, if it is one. */
  public static Optional<NodeName> fromCommonName(String commonName) {
    if (commonName == null || !commonName.startsWith(COMMON_NAME_PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(of(commonName.substring(COMMON_NAME_PREFIX.length())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The node a certificate was issued to.
   *
   * @throws IllegalArgumentException if the subject does not carry exactly one common name of the
   *     form {@code system:node:<name>}
   */
  public static NodeName fromCertificate(X509Certificate certificate) {
    List<String> commonNames = commonNames(certificate.getSubjectX500Principal());
    if (commonNames.size() != 1) {
      throw new IllegalArgumentException(
          "certificate subject has " + commonNames.size() + " common names, expected one");
    }
    return fromCommonName(commonNames.get(0))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "certificate common name '"
                        + printable(commonNames.get(0))
                        + "' is not of the form "
                        + COMMON_NAME_PREFIX
                        + "<node>"));
  }

  /**
   * Whether {@code subject} claims a node: a common name starting with {@code system:node:}, or the
   * organization {@code system:nodes} (what Kubernetes' node authorizer looks at), well formed or
   * not. Certificates for such subjects are client certificates only, so the test is wide on
   * purpose: a malformed node name still must not get a server certificate.
   */
  public static boolean isNodeSubject(X500Principal subject) {
    if (commonNames(subject).stream().anyMatch(cn -> cn.startsWith(COMMON_NAME_PREFIX))) {
      return true;
    }
    for (RDN rdn : X500Name.getInstance(subject.getEncoded()).getRDNs()) {
      for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
        if (attribute.getType().equals(BCStyle.O)) {
          ASN1Encodable value = attribute.getValue();
          String text =
              value instanceof ASN1String s ? s.getString() : IETFUtils.valueToString(value);
          if (ORGANIZATION.equals(text)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Every CN attribute of {@code principal}: {@link Certificates#commonNames}, named here too
   * because a caller after a node's name looks here.
   */
  public static List<String> commonNames(X500Principal principal) {
    return Certificates.commonNames(principal);
  }

  public String value() {
    return value;
  }

  /** {@code system:node:<name>}. */
  public String commonName() {
    return COMMON_NAME_PREFIX + value;
  }

  /** {@code CN=system:node:<name>, O=system:nodes}. */
  public X500Principal subject() {
    return new X500Principal(
        "CN=" + Rdn.escapeValue(commonName()) + ", O=" + Rdn.escapeValue(ORGANIZATION));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeName other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public int compareTo(NodeName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }

  /** Keeps hostile input from forging log lines or flooding an error message. */
  /**
   * Text a peer sent (a header, a CSR's name), made safe to put in a log line or an error message:
   * clipped to 80 characters, line breaks and control characters replaced with '?'.
   */
  public static String printable(String s) {
    return dev.edgetrust.text.UntrustedText.printable(s, 80);
  }
}
