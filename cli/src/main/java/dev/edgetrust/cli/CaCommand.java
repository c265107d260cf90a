package dev.edgetrust.cli;

import dev.edgetrust.cloudhub.config.CloudHubConfig;
import dev.edgetrust.cloudhub.config.CloudHubSettings;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.x509.Certificates;
import dev.edgetrust.x509.HeldCertificate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edgetrust ca import}: brings cloudcore's CA over to the CloudHub's files. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = "The CloudHub's certificate authority.",
    subcommands = {CaCommand.Import.class})
final class CaCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code edgetrust ca import --config cloudcore.yaml (--secrets FILE | --from-config FILE)}:
   * writes cloudcore's CA (and server certificate) where this CloudHub's config expects them, in
   * its layout (PEM; keys PKCS#8, 0600, in a 0700 directory; each file replaced atomically), so
   * every node cloudcore enrolled keeps trusting the CloudHub and its certificate chains here.
   */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Import cloudcore's CA (and server certificate) into this CloudHub's files.",
        "From its Secrets: kubectl get secret -n kubeedge casecret cloudcoresecret tokensecret -o"
            + " yaml > secrets.yaml",
        "or from the files an existing cloudcore.yaml names.",
        "Refuses to replace a different CA already in place."
      })
  static final class Import implements Callable<Integer> {
    @Option(
        names = "--config",
        required = true,
        description = "cloudcore.yaml of this CloudHub: where the files go")
    Path config;

    static final class Source {
      @Option(names = "--secrets", description = "kubectl's YAML of cloudcore's Secrets")
      Path secrets;

      @Option(names = "--from-config", description = "the cloudcore.yaml cloudcore runs with")
      Path cloudcoreConfig;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CloudHubSettings settings = CloudHubConfig.load(config);
      CloudcoreSecrets imported =
          source.secrets != null
              ? CloudcoreSecrets.fromSecrets(source.secrets)
              : CloudcoreSecrets.fromConfig(source.cloudcoreConfig);
      if (imported.ca().certificate().getBasicConstraints() < 0) {
        throw new UserErrors.UserException(
            "the imported CA certificate is not a CA (basicConstraints CA:false)");
      }
      PrintWriter out = spec.commandLine().getOut();
      KeyCertificateFiles caFiles =
          new KeyCertificateFiles(settings.caKeyFile(), settings.caCertificateFile());
      String hash = Certificates.sha256Hex(imported.ca().certificate());
      if (sameCaInPlace(caFiles, imported.ca())) {
        out.println("CA " + hash + " is in place already (" + settings.caCertificateFile() + ")");
      } else {
        caFiles.write(imported.ca());
        out.println(
            "imported CA "
                + hash
                + " to "
                + settings.caCertificateFile()
                + " and "
                + settings.caKeyFile());
      }
      if (imported.server().isPresent()) {
        new KeyCertificateFiles(settings.serverKeyFile(), settings.serverCertificateFile())
            .write(imported.server().get());
        out.println(
            "imported cloudcore's server certificate to " + settings.serverCertificateFile());
      }
      out.println(
          "cloudcore's join tokens keep working only in migration mode"
              + " (modules.cloudHub.migration: {enable: true, until: <date>}); see docs/migration.md");
      out.flush();
      return 0;
    }

    /**
     * Whether the CA files hold this CA already.
     *
     * @throws UserErrors.UserException if they hold another one: replacing it would strand every
     *     node it issued
     */
    private boolean sameCaInPlace(KeyCertificateFiles files, HeldCertificate imported)
        throws UserErrors.UserException {
      Optional<HeldCertificate> existing;
      try {
        existing = files.read();
      } catch (CredentialFileException e) {
        throw new UserErrors.UserException(
            e.getMessage() + "; move the CA files away to import cloudcore's");
      }
      if (existing.isEmpty()) {
        return false;
      }
      if (existing.get().certificate().equals(imported.certificate())) {
        return true;
      }
      throw new UserErrors.UserException(
          files.certificateFile()
              + " holds another CA ("
              + Certificates.sha256Hex(existing.get().certificate())
              + ", cloudcore's is "
              + Certificates.sha256Hex(imported.certificate())
              + "); refusing to replace it: nodes it issued would be stranded. Move it away first"
              + " if you mean to");
    }
  }
}
