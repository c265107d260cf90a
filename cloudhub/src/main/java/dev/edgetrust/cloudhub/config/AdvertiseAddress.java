package dev.edgetrust.cloudhub.config;

import dev.edgetrust.config.IpAddress;

/** An {@code advertiseAddress} entry: an IP literal; a host name belongs in {@code dnsNames}. */
final class AdvertiseAddress extends IpAddress.Deserializer {
  private static final long serialVersionUID = 1L;

  @Override
  protected String hint() {
    return " (put host names in 'dnsNames')";
  }
}
