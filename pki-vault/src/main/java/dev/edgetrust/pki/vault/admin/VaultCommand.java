package dev.edgetrust.pki.vault.admin;

import dev.edgetrust.config.ConfigException;
import dev.edgetrust.config.GoDurationConverter;
import dev.edgetrust.pki.vault.SetupStep;
import dev.edgetrust.pki.vault.VaultSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrust vault ...}: operator commands against a HashiCorp Vault. */
@Command(
    name = "vault",
    description = "Operate the HashiCorp Vault that issues edgetrust's certificates.",
    subcommands = {VaultCommand.Setup.class})
public final class VaultCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code edgetrust vault setup}: makes a Vault ready for edgetrust in one idempotent run and
   * prints each step as done or already done.
   */
  @Command(
      name = "setup",
      description = {
        "Make a Vault ready for edgetrust (idempotent: running it again changes nothing).",
        "Sets up the PKI mount and max TTL, a root (or imported) CA, CRL and issuing URLs, the 'cloudhub'",
        "server-certificate role and the CloudHub's policy; optionally the AppRole and cert auth methods.",
        "Node roles and credentials: ./edgetrust enroll NODE."
      })
  public static final class Setup implements Callable<Integer> {
    @Mixin public VaultOptions vault = new VaultOptions();

    @Option(
        names = "--pki",
        defaultValue = "pki",
        paramLabel = "MOUNT",
        description = "PKI secrets engine mount. Default: ${DEFAULT-VALUE}.")
    String mount;

    @Option(
        names = "--max-ttl",
        defaultValue = "87600h",
        converter = GoDurationConverter.class,
        paramLabel = "DURATION",
        description =
            "The mount's max lease TTL: the longest certificate it may issue, root CA included. Default: ${DEFAULT-VALUE}.")
    Duration maxTtl;

    @Option(
        names = "--cloudhub-name",
        defaultValue = "cloudhub",
        paramLabel = "CN",
        description =
            "Common name of the CloudHub's server certificate. Default: ${DEFAULT-VALUE}.")
    String cloudhubName;

    @Option(
        names = "--cloudhub-dns",
        split = ",",
        paramLabel = "NAME",
        description = "DNS names the CloudHub's certificate may carry (modules.cloudHub.dnsNames).")
    List<String> cloudhubDns = new ArrayList<>();

    @Option(
        names = "--cloudhub-ip",
        split = ",",
        paramLabel = "IP",
        description =
            "IP addresses the CloudHub's certificate may carry (modules.cloudHub.advertiseAddress).")
    List<String> cloudhubIps = new ArrayList<>();

    @Option(
        names = "--approle",
        description = "Enable the AppRole auth method at auth/approle (for enroll --auth approle).")
    boolean appRole;

    @Option(
        names = "--cert-auth",
        description =
            "Enable the cert auth method at auth/cert (nodes renew with their certificate).")
    boolean certAuth;

    @Option(
        names = "--import-ca",
        paramLabel = "FILE",
        description =
            "Import this CA (PEM: certificate, its private key, optionally its issuers) instead of generating a root.")
    Path importCa;

    @Option(
        names = "--public-address",
        paramLabel = "URL",
        description =
            "Vault's address as clients reach it, written into certificates' CRL and issuer URLs (default: --address).")
    String publicAddress;

    /** Where the steps are printed; standard output unless a test sets another. */
    public PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
      VaultOptions.Session session = vault.connect();
      VaultSetup.Builder setup = VaultSetup.builder(session.client(), session.operator());
      try {
        setup
            .mount(mount)
            .maxLeaseTtl(maxTtl)
            .cloudhubNames(cloudhubName, cloudhubDns, cloudhubIps);
        if (importCa != null) {
          setup.importCa(readBundle(importCa));
        }
        if (publicAddress != null) {
          setup.publicAddress(publicAddress);
        }
        if (appRole) {
          setup.enableAppRole("approle");
        }
        if (certAuth) {
          setup.enableCertAuth("cert");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      out.println("Vault at " + session.client().connection().address() + ":");
      List<SetupStep> steps = setup.build().run();
      SetupSteps.print(out, steps);
      long done = steps.stream().filter(s -> s.outcome() == SetupStep.Outcome.DONE).count();
      out.println(
          done == 0
              ? "Vault was already set up for edgetrust."
              : "Vault is set up for edgetrust (" + done + " step(s) done).");
      return 0;
    }

    private static String readBundle(Path file) throws ConfigException {
      try {
        return Files.readString(file, StandardCharsets.US_ASCII);
      } catch (NoSuchFileException e) {
        throw new ConfigException("--import-ca: " + file + ": no such file");
      } catch (IOException e) {
        throw new ConfigException(
            "--import-ca: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      }
    }
  }
}
