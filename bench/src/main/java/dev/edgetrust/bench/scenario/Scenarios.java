package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.Scenario;
import java.util.List;
import java.util.Optional;

/** Every scenario, in the order {@code bench} with no name runs them. */
public final class Scenarios {
  private static final List<Scenario> ALL =
      List.of(
          new HandshakeScenario(),
          new SessionsScenario(),
          new BlockScenario(),
          new RelayScenario(),
          new CrlScenario(),
          new IssueScenario(),
          new RenewalStormScenario(),
          new EdgeFootprintScenario());

  private Scenarios() {}

  public static List<Scenario> all() {
    return ALL;
  }

  public static Optional<Scenario> named(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public static List<String> names() {
    return ALL.stream().map(Scenario::name).toList();
  }
}
