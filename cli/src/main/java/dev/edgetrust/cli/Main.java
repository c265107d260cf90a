package dev.edgetrust.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetrust}: the one entry point; each capability is a sub-command. */
@Command(
    name = "edgetrust",
    mixinStandardHelpOptions = true,
    // Every sub-command, at any depth, takes --help (and --version): a parse error points at it.
    scope = CommandLine.ScopeType.INHERIT,
    version = "edgetrust 0.1.0",
    description = "KubeEdge CloudHub/EdgeHub authentication with a pluggable certificate authority.",
    subcommands = {
      DemoCommand.class,
      CloudHubCommand.class,
      EdgeHubCommand.class,
      TokenCommand.class,
      NodeCommand.class,
      AgentCommand.class,
      VaultCommand.class,
      EnrollCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @Option(names = "--debug", description = "Log at debug level.", scope = CommandLine.ScopeType.INHERIT)
  void debug(boolean on) {
    if (on) {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; user mistakes print one line, not a trace. */
  public static int run(String... args) {
    UserErrors errors = new UserErrors();
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors)
        .execute(args);
  }
}
