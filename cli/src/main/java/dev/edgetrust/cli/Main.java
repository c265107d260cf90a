package dev.edgetrust.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.PkiProviders;
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
    description =
        "KubeEdge CloudHub/EdgeHub authentication with a pluggable certificate authority.",
    // The benchmark harness is not in this jar: the launcher adds it for this one command.
    footer =
        "%nbench: ./edgetrust bench --help (the benchmark harness, run by the launcher; docs/benchmarks.md)",
    subcommands = {
      DemoCommand.class,
      CloudHubCommand.class,
      EdgeHubCommand.class,
      TokenCommand.class,
      NodeCommand.class,
      AgentCommand.class,
      EnrollCommand.class,
      CaCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @Option(
      names = "--debug",
      description = "Log at debug level.",
      scope = CommandLine.ScopeType.INHERIT)
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
    return commandLine().execute(args);
  }

  /**
   * The {@code edgetrust} command line with its error handling, for a launcher that adds a
   * sub-command this jar does not carry (the bench harness).
   */
  public static CommandLine commandLine() {
    UserErrors errors = new UserErrors();
    CommandLine commandLine = new CommandLine(new Main());
    addPkiCommands(commandLine, PkiProviders.installed());
    return commandLine.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
  }

  /**
   * Each PKI's own sub-commands ({@code vault}), as its factory offers them: the CLI knows the PKI
   * only by name.
   *
   * @throws IllegalStateException if a PKI offers something that is not a picocli command, or a
   *     name taken already: a packaging mistake
   */
  static void addPkiCommands(CommandLine commandLine, PkiProviders providers) {
    for (PkiProviderFactory factory : providers.all()) {
      for (Object command : factory.commands()) {
        if (!command.getClass().isAnnotationPresent(Command.class)) {
          throw new IllegalStateException(
              "PKI '"
                  + factory.name()
                  + "' offers "
                  + command.getClass().getName()
                  + ", which is not a picocli @Command");
        }
        CommandLine sub = new CommandLine(command);
        if (commandLine.getSubcommands().containsKey(sub.getCommandName())) {
          throw new IllegalStateException(
              "PKI '"
                  + factory.name()
                  + "' offers the command '"
                  + sub.getCommandName()
                  + "', which exists already");
        }
        commandLine.addSubcommand(sub);
      }
    }
  }
}
