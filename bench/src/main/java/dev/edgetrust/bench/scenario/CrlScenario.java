package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.bench.fixture.NodeIdentities;
import dev.edgetrust.bench.fixture.PopulatedCrl;
import dev.edgetrust.bench.measure.Samples;
import dev.edgetrust.cloudhub.CloudHub;
import dev.edgetrust.cloudhub.config.CloudHubSettingsBuilder;
import dev.edgetrust.cloudhub.config.HttpsSettings;
import dev.edgetrust.cloudhub.events.CloudHubListener;
import dev.edgetrust.pki.RevocationList;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.pki.builtin.BuiltinCaFiles;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a long revocation list costs the CloudHub. (a) Handshakes per second against two CloudHubs
 * that differ only in their CA's CRL — one of {@code --nodes} revoked serials (default 100,000),
 * one empty — with the same client JVM alternating between them as {@link HandshakeScenario} does.
 * (b) The time the built-in CA takes to read that CRL from its state directory, parse it, check its
 * signature and index it for the CloudHub, against the JDK's {@link CertificateFactory} parsing the
 * same DER alone.
 */
public final class CrlScenario implements Scenario {
  static final int DEFAULT_REVOKED = 100_000;
  static final int IDENTITIES = 64;
  static final int SMOKE_IDENTITIES = 8;
  private static final int EMPTY = 0;
  private static final int LISTED = 1;

  @Override
  public String name() {
    return "crl";
  }

  @Override
  public String description() {
    return "handshake rate with a CRL of --nodes revoked serials (default 100,000) vs. an empty one (target >= 0.95);"
        + " CRL read+parse+index (target <= 1 s) vs. JDK parse alone";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    int revoked = context.nodes(DEFAULT_REVOKED);
    // --seconds is the measured time of both CloudHubs together.
    Duration total = context.seconds(Duration.ofSeconds(20));
    boolean full = total.compareTo(HandshakeScenario.FULL_RUN) >= 0;
    int roundsPerServer = full ? 2 : 1;
    Duration round = total.dividedBy(2L * roundsPerServer);
    int identities = full ? IDENTITIES : SMOKE_IDENTITIES;
    // A smoke run warms up with one short pair: it checks that both CloudHubs answer, not a rate.
    Duration warmupSlice = full ? Duration.ofSeconds(2) : Duration.ofMillis(200);
    Duration maxWarmup = full ? Duration.ofSeconds(30) : Duration.ZERO;
    int loads = full ? 10 : 3;

    UnaryOperator<CloudHubSettingsBuilder> tune =
        b ->
            b.https(HttpsSettings.off()).nodeLimit(identities + HandshakeScenario.CONCURRENCY + 16);
    LoopbackCloud empty = LoopbackCloud.prepare(context.workDirectory().resolve("empty"), tune);
    Path idDir = Files.createDirectories(context.workDirectory().resolve("identities"));
    NodeIdentities ids = empty.issueShared("bench-node", identities, Duration.ofDays(1));
    ids.write(idDir);
    context.progress(
        "signing a CRL of "
            + Figure.format(revoked)
            + " revoked serials with the CA key (not measured)");
    long signStart = System.nanoTime();
    PopulatedCrl crl = PopulatedCrl.sign(empty.caCredentials(), revoked);
    double signSeconds = (System.nanoTime() - signStart) / 1e9;
    LoopbackCloud listed =
        empty.sameCaWithCrl(context.workDirectory().resolve("listed"), tune, crl);
    int listedAtHub = listed.ca().revocationList().size();

    SliceTotals emptyTotals = new SliceTotals();
    SliceTotals listedTotals = new SliceTotals();
    Duration warmedFor;
    try (CloudHub emptyHub = empty.start(context.options().cloudHubs(), new CloudHubListener() {});
        CloudHub listedHub =
            listed.start(context.options().cloudHubs(), new CloudHubListener() {});
        HandshakeClient client =
            HandshakeClient.start(
                context,
                List.of(
                    emptyHub.websocketAddress().orElseThrow(),
                    listedHub.websocketAddress().orElseThrow()),
                idDir,
                HandshakeScenario.CONCURRENCY,
                HandshakeScenario.CLIENT_THREADS)) {
      context.progress(
          "warming up: alternating "
              + warmupSlice.toMillis()
              + " ms slices (at most "
              + maxWarmup.toSeconds()
              + " s)");
      warmedFor = HandshakeScenario.warmUp(client, EMPTY, LISTED, warmupSlice, maxWarmup);
      context.progress(
          roundsPerServer * 2
              + " measured slices of "
              + round.toMillis()
              + " ms, empty/listed/listed/empty");
      for (int i = 0; i < roundsPerServer * 2; i++) {
        boolean listedTurn = (i % 4 == 1) || (i % 4 == 2);
        (listedTurn ? listedTotals : emptyTotals)
            .add(client.run(listedTurn ? LISTED : EMPTY, round));
      }
    }

    context.progress(
        loads
            + " loads of the "
            + Figure.format(revoked)
            + "-entry CRL, alternated with JDK parses of it");
    Loads l =
        measureLoads(
            LoopbackCloud.caFiles(listed.settings()),
            LoopbackCloud.caFiles(empty.settings()),
            crl,
            listed.caCertificate(),
            loads);
    long[] revocations = revokeOneMore(listed.ca(), full ? 3 : 1);
    return result(
        revoked,
        identities,
        listedAtHub,
        signSeconds,
        crl,
        roundsPerServer,
        round,
        warmedFor,
        emptyTotals,
        listedTotals,
        l,
        revocations);
  }

  /**
   * Nanoseconds per repetition, sorted: the CA's load with the long CRL, the JDK's parse of it, the
   * index built from a parsed CRL, and the same CA's load with its empty CRL.
   */
  private record Loads(long[] load, long[] parse, long[] index, long[] emptyLoad) {}

  /**
   * Each repetition starts a fresh {@link BuiltinCa} on the state directory and asks it for its
   * revocation list — what a CloudHub does at start: the CA reads {@code crl.pem}, parses it and
   * checks its signature, and {@link BuiltinCa#revocationList()} checks it again and indexes the
   * serials. Then the JDK parses the same DER from memory, and the list is indexed from that parse
   * alone (what a refresh costs once the CA has signed a new CRL). One warm-up round first.
   */
  private static Loads measureLoads(
      BuiltinCaFiles files, BuiltinCaFiles emptyFiles, PopulatedCrl crl, X509Certificate ca, int n)
      throws Exception {
    byte[] der = crl.der();
    long[] load = new long[n];
    long[] parse = new long[n];
    long[] index = new long[n];
    long[] emptyLoad = new long[n];
    for (int i = -1; i < n; i++) {
      long t0 = System.nanoTime();
      RevocationList list = BuiltinCa.loadOrCreate(files, Clock.systemUTC()).revocationList();
      long t1 = System.nanoTime();
      X509CRL parsed =
          (X509CRL)
              CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
      long t2 = System.nanoTime();
      RevocationList again = RevocationList.fromCrl(parsed, List.of(ca));
      long t3 = System.nanoTime();
      RevocationList none = BuiltinCa.loadOrCreate(emptyFiles, Clock.systemUTC()).revocationList();
      long t4 = System.nanoTime();
      if (none.size() != 0) {
        throw new IllegalStateException(
            "the empty CloudHub's CA lists " + none.size() + " revoked serials");
      }
      if (list.size() != crl.entries() || again.size() != crl.entries()) {
        throw new IllegalStateException(
            "the CRL indexed "
                + list.size()
                + " and "
                + again.size()
                + " serials, not "
                + crl.entries());
      }
      if (i >= 0) {
        load[i] = t1 - t0;
        parse[i] = t2 - t1;
        index[i] = t3 - t2;
        emptyLoad[i] = t4 - t3;
      }
    }
    Arrays.sort(load);
    Arrays.sort(parse);
    Arrays.sort(index);
    Arrays.sort(emptyLoad);
    return new Loads(load, parse, index, emptyLoad);
  }

  /**
   * What one more revocation costs the built-in CA with the list this long: it adds the serial,
   * re-signs the whole CRL and writes it (fsync, rename) before answering. A block pays this once
   * per serial it revokes.
   */
  private static long[] revokeOneMore(BuiltinCa ca, int n) throws Exception {
    SecureRandom random = new SecureRandom();
    long[] took = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      ca.revoke(new BigInteger(127, random).setBit(126));
      ca.revocationList();
      took[i] = System.nanoTime() - t0;
    }
    Arrays.sort(took);
    return took;
  }

  private ScenarioResult result(
      int revoked,
      int identities,
      int listedAtHub,
      double signSeconds,
      PopulatedCrl crl,
      int rounds,
      Duration round,
      Duration warmedFor,
      SliceTotals empty,
      SliceTotals listed,
      Loads l,
      long[] revocations) {
    Figure listedRate =
        Figure.of(
            "listed.handshakes_per_second",
            "CloudHub handshakes + upgrades, " + Figure.format(revoked) + " revoked serials",
            listed.rate(),
            "/s");
    Figure emptyRate =
        Figure.of(
            "empty.handshakes_per_second",
            "CloudHub handshakes + upgrades, empty CRL",
            empty.rate(),
            "/s");
    Figure listedPerCpu =
        Figure.of(
            "listed.handshakes_per_server_cpu_second",
            "handshakes per server CPU-second, " + Figure.format(revoked) + " revoked serials",
            1000 / listed.serverCpuMs(),
            "/s");
    Figure emptyPerCpu =
        Figure.of(
            "empty.handshakes_per_server_cpu_second",
            "handshakes per server CPU-second, empty CRL",
            1000 / empty.serverCpuMs(),
            "/s");
    Figure loadP50 =
        Figure.of(
                "crl.load_p50_ms",
                "CRL read + parse + verify + index by the built-in CA, p50",
                ms(Samples.percentile(l.load(), 0.5)),
                "ms")
            .withTarget(Target.atMost(1000));
    Figure loadMax =
        Figure.of(
                "crl.load_max_ms",
                "CRL read + parse + verify + index, max",
                ms(l.load()[l.load().length - 1]),
                "ms")
            .withTarget(Target.atMost(1000));
    Figure parseP50 =
        Figure.of(
            "jdk.parse_p50_ms",
            "JDK CertificateFactory parse of the same DER, p50 (baseline)",
            ms(Samples.percentile(l.parse(), 0.5)),
            "ms");
    Figure indexP50 =
        Figure.of(
            "crl.index_p50_ms",
            "verify + index an already parsed CRL (RevocationList.fromCrl), p50",
            ms(Samples.percentile(l.index(), 0.5)),
            "ms");
    return ScenarioResult.measured(name())
        .load(
            "(a) separate JVM (LoadClient), one for the whole run, alternating between the two CloudHubs: "
                + HandshakeScenario.CLIENT_THREADS
                + " event-loop threads, "
                + HandshakeScenario.CONCURRENCY
                + " connections in flight, "
                + identities
                + " node certificates (none revoked) in turn, JDK TLS, no resumption;"
                + " (b) this JVM, one thread, nothing else running")
        .figure(
            "listed.revoked_serials",
            "revoked serials in the listed CloudHub's revocation list",
            listedAtHub,
            "")
        .figure(listedRate)
        .figure(emptyRate)
        .figure(listedPerCpu)
        .figure(emptyPerCpu)
        .figure("listed.failures", "failed handshakes/upgrades, listed", listed.failures, "")
        .figure("empty.failures", "failed handshakes/upgrades, empty", empty.failures, "")
        .figure("crl.der_kib", "CRL size (DER)", crl.der().length / 1024.0, "KiB")
        .figure(loadP50)
        .figure(loadMax)
        .figure(parseP50)
        .figure("jdk.parse_max_ms", "JDK parse, max", ms(l.parse()[l.parse().length - 1]), "ms")
        .figure(indexP50)
        .figure(
            "ca.load_empty_p50_ms",
            "the same CA state with an empty CRL: load + revocationList(), p50",
            ms(Samples.percentile(l.emptyLoad(), 0.5)),
            "ms")
        .figure(
            "ca.revoke_one_more_p50_ms",
            "one more revocation: the CA re-signs and writes the whole CRL, p50",
            ms(Samples.percentile(revocations, 0.5)),
            "ms")
        .comparison(
            Comparison.of(
                    "crl_handshake_ratio",
                    "handshake rate, " + Figure.format(revoked) + " revoked / empty CRL",
                    listedRate,
                    emptyRate)
                .withTarget(Target.atLeast(0.95)))
        .comparison(
            Comparison.of(
                    "crl_server_cpu_ratio",
                    "handshakes per server CPU-second, revoked / empty",
                    listedPerCpu,
                    emptyPerCpu)
                .withTarget(Target.atLeast(0.95)))
        .comparison(
            Comparison.of(
                "crl_load_vs_jdk_parse",
                "CRL load p50 / JDK parse p50 (what the CA adds to parsing)",
                loadP50,
                parseP50))
        .note(
            "per round, handshakes/s (server CPU ms per handshake): listed "
                + listed.perRound()
                + "; empty "
                + empty.perRound())
        .note(
            "both CloudHubs run in this JVM, started alike (same factory, CA key and certificate, settings; revocation"
                + " checking on, as the CloudHub always runs); they differ only in the CRL their CA loaded at start")
        .note(
            rounds
                + " measured slice(s) of "
                + round.toMillis()
                + " ms per CloudHub, alternated empty/listed/listed/empty, after "
                + warmedFor.toMillis()
                + " ms of alternating warm-up slices")
        .note(
            "the CRL: "
                + Figure.format(crl.entries())
                + " random 127-bit serials, signed by the CA key with BouncyCastle in "
                + Figure.format(signSeconds)
                + " s (not measured), written as the CA writes its crl.pem")
        .note(
            "load = BuiltinCa.loadOrCreate on the state directory + revocationList(), as a CloudHub starts: reads the CA key"
                + " and crl.pem, decodes the PEM, parses the CRL (JDK), verifies its signature, then revocationList() verifies"
                + " again and indexes the serials in an immutable hash set; "
                + l.load().length
                + " repetitions after one warm-up")
        .note(
            "the built-in CA hands the CloudHub its CRL in-process (no HTTP fetch); Vault's CRL comes over HTTP and is"
                + " parsed and indexed by the same RevocationList.fromCrl, which this does not measure")
        .note(
            listed.firstFailure == null && empty.firstFailure == null
                ? "no failures"
                : "first failure: "
                    + (listed.firstFailure != null
                        ? "listed: " + listed.firstFailure
                        : "empty: " + empty.firstFailure))
        .build();
  }

  private static double ms(double nanos) {
    return nanos / 1e6;
  }
}
