package dev.edgetrust.pki.vault.admin;

import dev.edgetrust.pki.vault.SetupStep;
import java.io.PrintStream;
import java.util.List;

/** Prints what a Vault setup or enrollment did, one line per step: done, or already done. */
public final class SetupSteps {
  private SetupSteps() {}

  public static void print(PrintStream out, List<SetupStep> steps) {
    for (SetupStep step : steps) {
      out.printf(
          "  %-14s %s%s%n",
          step.outcome(), step.name(), step.detail().isEmpty() ? "" : " (" + step.detail() + ")");
    }
    out.flush();
  }
}
