package dev.edgetrust.tls;

import java.util.List;

/** The TLS versions edgetrust speaks, on both sides: 1.2 and up, nothing older. */
public final class TlsProtocols {
  private static final List<String> SUPPORTED = List.of("TLSv1.3", "TLSv1.2");

  private TlsProtocols() {}

  /**
   * The versions, newest first, as the array the TLS APIs take. A fresh array each call: a shared
   * public one could be changed by any caller, and with it every later handshake's versions.
   */
  public static String[] supported() {
    return SUPPORTED.toArray(new String[0]);
  }
}
