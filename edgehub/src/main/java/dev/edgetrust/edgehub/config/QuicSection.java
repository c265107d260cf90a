package dev.edgetrust.edgehub.config;

import dev.edgetrust.config.Settings;

/**
 * {@code modules.edgeHub.quic}: read so that KubeEdge files load (with KubeEdge's checks and
 * defaults); enabling it is an error, so it is not part of {@link EdgeHubSettings}.
 */
record QuicSection(
    Boolean enable,
    Integer handshakeTimeout,
    Integer readDeadline,
    String server,
    Integer writeDeadline) {
  QuicSection {
    enable = enable != null && enable;
    handshakeTimeout = Settings.positive("handshakeTimeout", handshakeTimeout, 30);
    readDeadline = Settings.positive("readDeadline", readDeadline, 15);
    server = server == null ? "" : server.strip();
    writeDeadline = Settings.positive("writeDeadline", writeDeadline, 15);
  }
}
