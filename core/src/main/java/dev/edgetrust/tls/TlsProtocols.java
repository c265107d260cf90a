package dev.edgetrust.tls;

/** The TLS versions edgetrust speaks, on both sides: 1.2 and up, nothing older. */
public final class TlsProtocols {
  public static final String[] SUPPORTED = {"TLSv1.3", "TLSv1.2"};

  private TlsProtocols() {}
}
