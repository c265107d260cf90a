package dev.edgetrust.edgehub.config;

import dev.edgetrust.config.Settings;

/**
 * {@code modules.edgeHub.metrics}: {@code enable} (false), {@code port} (10009), read into {@link
 * EdgeHubSettings#metricsPort()}. Always bound to 127.0.0.1: the endpoint has no authentication,
 * and what it shows is for the device's own monitoring agent. 10009 stays clear of KubeEdge's ports
 * (CloudCore 10000-10004, edgecore 10350/10550, MQTT 1883/1884) and of the CloudHub's metrics port
 * 10008, so one host can run both.
 */
record MetricsSection(Boolean enable, Integer port) {
  static final int DEFAULT_PORT = 10009;

  MetricsSection {
    enable = enable != null && enable;
    port = Settings.port("port", port, DEFAULT_PORT);
  }
}
