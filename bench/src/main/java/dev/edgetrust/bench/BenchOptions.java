package dev.edgetrust.bench;

import dev.edgetrust.bench.fixture.CloudHubFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the user chose for a run. Empty values mean each scenario's own default.
 *
 * @param nodes nodes, sessions or connections a scenario drives ({@code --nodes})
 * @param seconds how long a scenario measures ({@code --seconds}); scenarios whose length is set by
 *     certificate lifetimes derive those from it
 * @param edgeHubCommand main class and arguments that run one EdgeHub from an {@code
 *     edgecore.yaml}, whose path is appended (the CLI passes its own {@code edgehub --config})
 * @param environment the environment to read {@code VAULT_ADDR} and such from
 * @param cloudHubs how the CloudHub under test is started
 */
public record BenchOptions(
    OptionalInt nodes,
    Optional<Duration> seconds,
    List<String> edgeHubCommand,
    Map<String, String> environment,
    CloudHubFactory cloudHubs) {

  public BenchOptions {
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(seconds, "seconds");
    edgeHubCommand = List.copyOf(edgeHubCommand);
    environment = Map.copyOf(environment);
    Objects.requireNonNull(cloudHubs, "cloudHubs");
    if (nodes.isPresent() && nodes.getAsInt() < 1) {
      throw new IllegalArgumentException("--nodes must be at least 1, was " + nodes.getAsInt());
    }
    if (seconds.isPresent() && (seconds.get().isNegative() || seconds.get().isZero())) {
      throw new IllegalArgumentException(
          "--seconds must be greater than 0, was " + seconds.get().toSeconds());
    }
  }

  /** Every scenario's defaults, this process's environment, no EdgeHub command. */
  public static BenchOptions defaults() {
    return new BenchOptions(
        OptionalInt.empty(),
        Optional.empty(),
        List.of(),
        System.getenv(),
        CloudHubFactory.STANDARD);
  }

  public BenchOptions withNodes(int n) {
    return new BenchOptions(OptionalInt.of(n), seconds, edgeHubCommand, environment, cloudHubs);
  }

  public BenchOptions withSeconds(Duration d) {
    return new BenchOptions(nodes, Optional.of(d), edgeHubCommand, environment, cloudHubs);
  }

  public BenchOptions withEdgeHubCommand(List<String> command) {
    return new BenchOptions(nodes, seconds, command, environment, cloudHubs);
  }

  public BenchOptions withEnvironment(Map<String, String> env) {
    return new BenchOptions(nodes, seconds, edgeHubCommand, env, cloudHubs);
  }

  public BenchOptions withCloudHubs(CloudHubFactory factory) {
    return new BenchOptions(nodes, seconds, edgeHubCommand, environment, factory);
  }
}
