package dev.edgetrust.bench.cli;

import dev.edgetrust.cli.Main;

/**
 * {@code ./edgetrust bench ...}: the {@code edgetrust} command line with the {@code bench}
 * sub-command added. The shipped jar does not carry the benchmark harness; the launcher script runs
 * this class with the bench jar beside the shipped one on the class path, so that the command, its
 * options ({@code --debug}, {@code --help}) and its one-line errors stay those of {@code
 * edgetrust}.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(Main.commandLine().addSubcommand(new BenchCommand()).execute(args));
  }
}
