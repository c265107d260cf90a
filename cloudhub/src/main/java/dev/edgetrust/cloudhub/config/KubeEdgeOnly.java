package dev.edgetrust.cloudhub.config;

/**
 * Sections of KubeEdge's {@code modules.cloudHub} edgetrust reads so that an existing file loads,
 * and does not serve.
 */
public final class KubeEdgeOnly {
  private KubeEdgeOnly() {}

  /** KubeEdge's QUIC listener: must stay disabled (refused at load when enabled). */
  public record Quic(Boolean enable, String address, Integer port, Integer maxIncomingStreams) {
    public Quic {
      enable = enable != null && enable;
      if (enable) {
        throw new IllegalArgumentException(
            "'enable' is true, but edgetrust serves WebSocket only; set it to false");
      }
    }
  }

  /**
   * KubeEdge's unix socket listener (local debugging): accepted, not served; the CloudHub says so
   * in one WARN line at start when it is enabled.
   */
  public record UnixSocket(Boolean enable, String address) {
    public UnixSocket {
      enable = enable != null && enable;
    }
  }
}
