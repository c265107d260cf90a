package dev.edgetrust.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetrust demo}: the whole system on loopback; exit 0 only if every step held. */
@Command(
    name = "demo",
    description = "Run CloudHub and three EdgeHubs on loopback and show every step.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--lifetime",
      description =
          "Node certificate lifetime in seconds (rotation happens at 70-90%% of it). Default: 15;"
              + " 120 with --pki cfssl (whole minutes: CFSSL 1.2.0 dates certificates to the minute).")
  Integer lifetimeOption;

  @Option(names = "--verbose", description = "Show the CloudHub's and EdgeHubs' own log lines.")
  boolean verbose;

  @Option(
      names = "--gateway",
      description =
          "edgetrust in front of an existing KubeEdge: a cloudcore-compatible upstream, the CloudHub as its gateway, a stock edgecore's wire.")
  boolean gateway;

  @Option(
      names = "--pki",
      defaultValue = "builtin",
      description =
          "builtin (default, nothing to install), vault (needs VAULT_ADDR and VAULT_TOKEN, e.g. of"
              + " `vault server -dev`) or cfssl (starts a real cfssl serve on loopback; apt-get install golang-cfssl).")
  String pki;

  /** The values of --pki, in the order the error lists them. */
  private static final java.util.List<String> PKIS = java.util.List.of("builtin", "vault", "cfssl");

  @Override
  public Integer call() throws Exception {
    if (!PKIS.contains(pki)) {
      throw new UserErrors.UserException(
          "--pki must be one of " + String.join(", ", PKIS) + ", not '" + pki + "'");
    }
    int lifetimeSeconds =
        lifetimeOption != null
            ? lifetimeOption
            : pki.equals("cfssl") ? (int) CfsslDemo.MIN_LIFETIME.toSeconds() : 15;
    if (lifetimeSeconds < 5) {
      throw new UserErrors.UserException("--lifetime must be at least 5 seconds");
    }
    if (gateway && !pki.equals("builtin")) {
      throw new UserErrors.UserException("--gateway runs on the built-in CA; drop --pki " + pki);
    }
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!verbose && root.getLevel() != Level.DEBUG) {
      // The demo's own lines tell the story; component logs would drown them.
      root.setLevel(Level.ERROR);
    }
    if (gateway) {
      return new GatewayDemo(System.out).run() ? 0 : 1;
    }
    switch (pki) {
      case "builtin":
        return new Demo(System.out, Duration.ofSeconds(lifetimeSeconds)).run() ? 0 : 1;
      case "vault":
        if (lifetimeSeconds < 10) {
          throw new UserErrors.UserException(
              "--lifetime must be at least 10 seconds with --pki vault");
        }
        return VaultDemo.fromEnvironment(
                    System.out, System.getenv(), Duration.ofSeconds(lifetimeSeconds))
                .run()
            ? 0
            : 1;
      case "cfssl":
        if (lifetimeSeconds % 60 != 0 || lifetimeSeconds < CfsslDemo.MIN_LIFETIME.toSeconds()) {
          throw new UserErrors.UserException(
              "--lifetime must be whole minutes, at least "
                  + CfsslDemo.MIN_LIFETIME.toSeconds()
                  + " seconds, with --pki cfssl (CFSSL 1.2.0 dates certificates to"
                  + " the minute)");
        }
        return CfsslDemo.run(System.out, Duration.ofSeconds(lifetimeSeconds)) ? 0 : 1;
      default:
        throw new IllegalStateException("--pki " + pki + " is in PKIS but has no demo");
    }
  }
}
