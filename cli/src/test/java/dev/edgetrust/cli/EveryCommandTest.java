package dev.edgetrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Walks every command of the shipped command line — discovered from the picocli tree, PKI commands
 * ({@code vault}) included, so a new one is covered without touching this test — the way a new user
 * tries it: with {@code --help}, with nothing, and with a config naming files that do not exist.
 */
class EveryCommandTest {
  /**
   * Commands that do their whole job without arguments: the demo runs for minutes (it has tests of
   * its own). Every other command either shows its usage or says in one line what it needs.
   */
  private static final List<String> RUNS_WITHOUT_ARGUMENTS = List.of("demo");

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(List<String> args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args.toArray(String[]::new));
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** Every command at every depth, by its path below {@code edgetrust}. */
  private static Map<List<String>, CommandSpec> commands() {
    Map<List<String>, CommandSpec> all = new java.util.LinkedHashMap<>();
    collect(Main.commandLine(), List.of(), all);
    return all;
  }

  private static void collect(
      CommandLine command, List<String> path, Map<List<String>, CommandSpec> all) {
    all.put(path, command.getCommandSpec());
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                collect(sub, deeper, all);
              }
            });
  }

  private static String named(List<String> path, String... more) {
    List<String> words = new ArrayList<>(path);
    words.addAll(List.of(more));
    return "edgetrust " + String.join(" ", words);
  }

  /** A user mistake: exit non-zero, exactly one line on stderr, saying it in words. */
  private static void assertOneLineError(Run r, String what) {
    assertThat(r.exit()).as(what + ": exit code\n" + r.err()).isNotZero();
    assertThat(r.err().strip().lines()).as(what + ": stderr\n" + r.err()).hasSize(1);
    assertThat(r.err()).as(what).startsWith("edgetrust: ").doesNotContain("at dev.edgetrust");
  }

  @Test
  void walk_findsEveryCommand_pkiCommandsIncluded() {
    assertThat(commands().keySet())
        .contains(
            List.of("node", "reset"),
            List.of("edgehub", "gateway-token"),
            List.of("vault", "setup"),
            List.of("agent"),
            List.of("enroll"));
  }

  @Test
  void everyCommand_answersHelpAndH_withItsUsage_andExitZero() {
    for (List<String> path : commands().keySet()) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);

        Run r = run(args);

        assertThat(r.exit()).as(named(path, flag)).isZero();
        assertThat(r.err()).as(named(path, flag)).isEmpty();
        assertThat(r.out()).as(named(path, flag)).startsWith("Usage: " + named(path).strip());
      }
    }
  }

  @Test
  void version_atTheTop_exitsZero() {
    Run r = run(List.of("--version"));

    assertThat(r.exit()).isZero();
    assertThat(r.out().strip()).startsWith("edgetrust ");
  }

  @Test
  void everyCommandsSummary_isOneWholeSentence() {
    // The parent's command list shows the first description line: a line cut mid-sentence there
    // reads as a truncated description.
    commands()
        .forEach(
            (path, spec) -> {
              String[] description = spec.usageMessage().description();
              assertThat(description).as(named(path)).isNotEmpty();
              assertThat(description[0].strip())
                  .as(named(path) + ": first description line")
                  .endsWith(".");
            });
  }

  @Test
  void everyCommand_withoutArguments_showsItsUsageOrSaysInOneLineWhatItNeeds() {
    commands()
        .forEach(
            (path, spec) -> {
              if (path.isEmpty() || RUNS_WITHOUT_ARGUMENTS.contains(path.get(0))) {
                return;
              }
              Run r = run(path);

              if (r.exit() == 0) {
                assertThat(r.out()).as(named(path)).startsWith("Usage: " + named(path));
              } else {
                assertOneLineError(r, named(path));
              }
            });
  }

  @Test
  void everyCommandTakingAConfig_withMissingFilesInIt_saysSoInOneLine() throws Exception {
    // Each config names files that must exist and do not. A command gets the kind of file its
    // --config asks for (cloudcore.yaml or edgecore.yaml): a KubeEdge file of the other kind has
    // no section of this one's, and runs on KubeEdge's defaults, as KubeEdge's own would.
    Path cloudVault = dir.resolve("cloudcore-vault.yaml");
    Files.writeString(
        cloudVault,
        """
        modules:
          cloudHub:
            tlsCAFile: s/ca.crt
            tlsCertFile: s/server.crt
            tlsPrivateKeyFile: s/server.key
            websocket: {address: 127.0.0.1, port: 0}
            https: {enable: false}
            admin: {enable: true, tokenFile: s/admin-token}
            pki:
              provider: vault
              vault:
                address: https://127.0.0.1:8200
                serverCA: missing/vault-ca.pem
                authMethod: token
                tokenFile: missing/vault-token
        """);
    Path cloudCfssl = dir.resolve("cloudcore-cfssl.yaml");
    Files.writeString(
        cloudCfssl,
        """
        modules:
          cloudHub:
            tlsCAFile: s/ca.crt
            tlsCertFile: s/server.crt
            tlsPrivateKeyFile: s/server.key
            websocket: {address: 127.0.0.1, port: 0}
            https: {enable: false}
            admin: {enable: true, clientCAFile: missing/admin-ca.crt}
            pki:
              provider: cfssl
              cfssl:
                address: https://127.0.0.1:8888
                serverCA: missing/cfssl-ca.pem
                authKeyFile: missing/cfssl-key
        """);
    Path edgeVault = dir.resolve("edgecore-vault.yaml");
    Files.writeString(
        edgeVault,
        """
        modules:
          edged:
            hostnameOverride: edge-node-1
          edgeHub:
            enable: true
            tlsCaFile: s/ca.crt
            tlsCertFile: s/server.crt
            tlsPrivateKeyFile: s/server.key
            websocket: {enable: true, server: 127.0.0.1:1}
            vault:
              enable: true
              address: https://127.0.0.1:8200
              serverCA: missing/vault-ca.pem
              authMethod: token
              tokenFile: missing/vault-token
        """);
    List<Path> cloudConfigs = List.of(cloudVault, cloudCfssl);
    List<Path> edgeConfigs = List.of(edgeVault);

    int walked = 0;
    for (Map.Entry<List<String>, CommandSpec> command : commands().entrySet()) {
      CommandSpec spec = command.getValue();
      CommandLine.Model.OptionSpec option = spec.findOption("--config");
      if (option == null) {
        continue;
      }
      boolean edge = String.join(" ", option.description()).contains("edgecore.yaml");
      for (Path config : edge ? edgeConfigs : cloudConfigs) {
        List<String> args = new ArrayList<>(command.getKey());
        args.add("--config");
        args.add(config.toString());
        if (!spec.positionalParameters().isEmpty()) {
          args.add("edge-node-1");
        }

        Run r = run(args);

        assertOneLineError(r, String.join(" ", args));
        walked++;
      }
    }
    // cloudhub, agent, token, enroll, node list/block/unblock/reset: two each; edgehub and
    // edgehub gateway-token: one each.
    assertThat(walked).isGreaterThanOrEqualTo(8 * 2 + 2);
  }
}
