package dev.edgetrust.cli.faults;

import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.cloudhub.config.CloudHubSettingsBuilder;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.edgehub.config.EdgeHubSettings;
import dev.edgetrust.edgehub.config.ServerAddress;
import dev.edgetrust.pki.IssuedCertificate;
import dev.edgetrust.pki.JoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A real CloudHub with the built-in CA on loopback, and settings for real EdgeHubs that dial it.
 */
final class Cloud implements AutoCloseable {
  final BuiltinCa ca;
  final CloudHub hub;

  /** Every certificate the bootstrap endpoint signed, in order. */
  final List<IssuedCertificate> issued = new CopyOnWriteArrayList<>();

  Cloud(Path dir, UnaryOperator<CloudHubSettingsBuilder> tune) throws Exception {
    CloudHubSettings settings = tune.apply(CloudHubSettings.loopback(dir).toBuilder()).build();
    ca =
        BuiltinCa.loadOrCreate(
            BuiltinCaFiles.of(settings.caCertificateFile(), settings.caKeyFile()),
            Clock.systemUTC());
    hub =
        CloudHub.start(
            settings,
            ca,
            new CloudHubListener() {
              @Override
              public void onIssued(NodeName node, IssuedCertificate certificate, boolean renewal) {
                issued.add(certificate);
              }
            },
            Clock.systemUTC());
  }

  /** Settings for {@code node} keeping its credentials under {@code credentials}, with no token. */
  EdgeHubSettings edge(NodeName node, Path credentials) {
    return EdgeHubSettings.builder(
            node,
            new ServerAddress("127.0.0.1", hub.websocketAddress().orElseThrow().getPort()),
            URI.create("https://127.0.0.1:" + hub.bootstrapAddress().orElseThrow().getPort()),
            credentials)
        .build();
  }

  JoinToken token(Duration valid) {
    return JoinToken.parse(ca.mintJoinToken(valid).value());
  }

  Optional<String> sessionSerial(NodeName node) {
    return hub.session(node).map(SessionInfo::serialHex);
  }

  @Override
  public void close() {
    hub.close();
  }
}
