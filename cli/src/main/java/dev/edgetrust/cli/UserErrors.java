package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.config.CloudHubException;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.edgehub.EdgeHubException;
import dev.edgetrust.pki.PkiException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the exceptions that mean "the user must fix something" into one line on stderr and exit
 * code 1. Anything else is a bug: it keeps its stack trace. A command line picocli cannot parse (an
 * unknown option, {@code --ttl 0s}) is one line too, pointing at {@code --help} instead of printing
 * the whole usage, with picocli's exit code 2.
 */
public final class UserErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  static final int USER_ERROR = 1;

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    command
        .getErr()
        .println(
            "edgetrust: "
                + e.getMessage().strip().replace('\n', ' ')
                + " (see '"
                + command.getCommandSpec().qualifiedName()
                + " --help')");
    command.getErr().flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult)
      throws Exception {
    if (e instanceof ConfigException
        || e instanceof CloudHubException
        || e instanceof CredentialFileException
        || e instanceof PkiException
        || e instanceof EdgeHubException
        || e instanceof UserException) {
      commandLine.getErr().println("edgetrust: " + e.getMessage());
      commandLine.getErr().flush();
      return USER_ERROR;
    }
    throw e;
  }

  /** A mistake the user can fix, said in one line. */
  public static final class UserException extends Exception {
    public UserException(String message) {
      super(message);
    }
  }
}
