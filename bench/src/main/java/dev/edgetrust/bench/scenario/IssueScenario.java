package dev.edgetrust.bench.scenario;

import dev.edgetrust.bench.BenchContext;
import dev.edgetrust.bench.Comparison;
import dev.edgetrust.bench.Figure;
import dev.edgetrust.bench.Scenario;
import dev.edgetrust.bench.ScenarioResult;
import dev.edgetrust.bench.Target;
import dev.edgetrust.bench.fixture.LoopbackCloud;
import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.pki.builtin.BuiltinCa;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.Keys;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Certificates the built-in CA signs per second (the whole {@code PkiProvider.sign}: building the
 * certificate, its extensions, the ECDSA signature, parsing it back) against a bare JCA ECDSA P-256
 * sign loop with the same CA key over data the size of a certificate body. One thread each,
 * alternated in rounds, after a warm-up.
 */
public final class IssueScenario implements Scenario {
  static final int CSRS = 16;

  /**
   * The built-in CA's per-signature cost grows with the certificates it tracks: measure it holding
   * a fleet's worth.
   */
  static final int DEFAULT_FLEET = 1000;

  /**
   * The JIT takes seconds to settle on the EC arithmetic on a busy 2-core machine; warm until it
   * has.
   */
  static final Duration MAX_WARMUP = Duration.ofSeconds(30);

  static final double STEADY = 0.05;
  private static final Duration NODE_TTL = Duration.ofDays(1);

  @Override
  public String name() {
    return "issue";
  }

  @Override
  public String description() {
    return "certificates signed per second by the built-in CA vs. a bare JCA ECDSA P-256 sign loop (target >= 0.8)";
  }

  @Override
  public ScenarioResult run(BenchContext context) throws Exception {
    Duration total = context.seconds(Duration.ofSeconds(10));
    Duration slice =
        total.compareTo(Duration.ofSeconds(4)) < 0 ? total.dividedBy(4) : Duration.ofSeconds(1);
    int roundsPerSubject = (int) Math.max(1, total.toMillis() / slice.toMillis() / 2);
    Duration maxWarmup = total.compareTo(Duration.ofSeconds(4)) < 0 ? total : MAX_WARMUP;
    LoopbackCloud cloud = LoopbackCloud.prepare(context.workDirectory().resolve("cloud"), b -> b);
    BuiltinCa ca = cloud.ca();
    PrivateKey caKey = KeyCertificateFiles.readKey(cloud.settings().caKeyFile());
    List<SigningRequest> requests = new ArrayList<>();
    for (int i = 0; i < CSRS; i++) {
      NodeName node = NodeName.of("bench-node-" + i);
      requests.add(
          SigningRequest.forNode(
              node,
              Csr.create(Keys.newP256(), node.subject()),
              EnumSet.of(CertificateUsage.CLIENT_AUTH),
              NODE_TTL));
    }
    int fleet = context.nodes(DEFAULT_FLEET);
    context.progress(
        "signing "
            + fleet
            + " certificates for distinct nodes first: the CA's inventory of a "
            + fleet
            + "-node fleet");
    Csr fleetCsr = requests.get(0).csr();
    for (int i = 0; i < fleet; i++) {
      ca.sign(
          SigningRequest.forNode(
              NodeName.of("fleet-node-" + i),
              fleetCsr,
              EnumSet.of(CertificateUsage.CLIENT_AUTH),
              NODE_TTL));
    }
    byte[] body = ca.sign(requests.get(0)).certificate().getTBSCertificate();
    Signature bare = Signature.getInstance("SHA256withECDSA");
    bare.initSign(caKey);

    Loop builtin = new Loop("built-in CA", n -> ca.sign(requests.get(n % CSRS)));
    Loop jca =
        new Loop(
            "bare JCA",
            n -> {
              bare.update(body);
              bare.sign();
            });
    context.progress(
        "warming up until both rates hold steady (at most " + maxWarmup.toSeconds() + " s)");
    Duration warmedFor = warmUp(jca, builtin, slice, maxWarmup);
    context.progress(
        "measuring "
            + roundsPerSubject
            + " slices of "
            + slice.toMillis()
            + " ms each, alternated");
    for (int i = 0; i < roundsPerSubject * 2; i++) {
      // ABBA: bare, built-in, built-in, bare, ...
      boolean builtinTurn = (i % 4 == 1) || (i % 4 == 2);
      (builtinTurn ? builtin : jca).run(slice);
    }

    Figure builtinRate =
        Figure.of(
            "builtin.certificates_per_second",
            "built-in CA certificates signed per CPU-second",
            builtin.rate(),
            "/s");
    Figure jcaRate =
        Figure.of(
            "jca.signatures_per_second",
            "bare JCA SHA256withECDSA P-256 signatures per CPU-second",
            jca.rate(),
            "/s");
    Figure builtinWall =
        Figure.of(
            "builtin.certificates_per_wall_second",
            "built-in CA certificates signed per second (wall clock)",
            builtin.wallRate(),
            "/s");
    Figure jcaWall =
        Figure.of(
            "jca.signatures_per_wall_second",
            "bare signatures per second (wall clock)",
            jca.wallRate(),
            "/s");
    ScenarioResult.Builder result =
        ScenarioResult.measured(name())
            .load(
                "same JVM, one thread, alternating between the two (the CloudHub signs on a pool of 2); CSRs made"
                    + " beforehand; rates per wall-clock second (what a caller sees, disk waits included) and per CPU-second of"
                    + " that thread (what other processes on the machine do not skew)")
            .figure(builtinWall)
            .figure(jcaWall)
            .figure(builtinRate)
            .figure(jcaRate)
            .figure(
                "builtin.inventory_entries",
                "certificates in the CA's serial inventory at the end (fleet + this run)",
                fleet + 1 + builtin.total,
                "")
            .figure(
                "builtin.microseconds_per_certificate",
                "built-in CA CPU time per certificate",
                1e6 / builtin.rate(),
                "µs")
            .figure(
                "jca.microseconds_per_signature", "bare signature CPU time", 1e6 / jca.rate(), "µs")
            .comparison(
                Comparison.of(
                        "issue_wall_ratio",
                        "per second (wall clock), built-in CA / bare",
                        builtinWall,
                        jcaWall)
                    .withTarget(Target.atLeast(0.8)))
            .comparison(
                Comparison.of(
                        "issue_ratio", "per CPU-second, built-in CA / bare", builtinRate, jcaRate)
                    .withTarget(Target.atLeast(0.8)))
            .note(
                "signed data: "
                    + body.length
                    + " bytes (the body of a real node certificate); "
                    + roundsPerSubject
                    + " slices of "
                    + slice.toMillis()
                    + " ms each, alternated, after "
                    + warmedFor.toMillis()
                    + " ms of warm-up (until both rates changed by < "
                    + (int) (STEADY * 100)
                    + " % from one slice to the next)");
    result.note(
        "the built-in CA records every node certificate it signs in its serial inventory (for blocking) and"
            + " writes that file, fsync'd, before answering: time spent waiting for the disk shows in the wall-clock rate only");
    String vault = context.options().environment().get("VAULT_ADDR");
    result.note(
        vault == null || vault.isBlank()
            ? "via Vault: not measured (VAULT_ADDR is not set)"
            : "via Vault: VAULT_ADDR is set, but the bench does not wire the Vault provider (pki-vault) yet: not measured");
    return result.build();
  }

  /**
   * Runs both in alternating slices until each one's rate is within {@link #STEADY} of its previous
   * slice, then forgets what was counted.
   */
  private static Duration warmUp(Loop a, Loop b, Duration slice, Duration limit)
      throws PkiException, GeneralSecurityException {
    long start = System.nanoTime();
    double lastA = 0;
    double lastB = 0;
    while (System.nanoTime() - start < limit.toNanos()) {
      a.reset();
      b.reset();
      a.run(slice);
      b.run(slice);
      boolean steady =
          Math.abs(a.rate() - lastA) <= STEADY * a.rate()
              && Math.abs(b.rate() - lastB) <= STEADY * b.rate();
      lastA = a.rate();
      lastB = b.rate();
      if (steady) {
        break;
      }
    }
    a.reset();
    b.reset();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** One thing to repeat as fast as it goes. */
  private interface Step {
    void run(int n) throws PkiException, GeneralSecurityException;
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private static final class Loop {
    final String name;
    final Step step;
    long count;
    long nanos;
    long wallNanos;
    long total;

    Loop(String name, Step step) {
      this.name = name;
      this.step = step;
    }

    /** The loop's label, which is what a debugger or a failed run should show. */
    @Override
    public String toString() {
      return name;
    }

    /**
     * Repeats the step for {@code d} of wall time; counts the CPU time this thread got meanwhile.
     */
    void run(Duration d) throws PkiException, GeneralSecurityException {
      long start = System.nanoTime();
      long end = start + d.toNanos();
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long n = 0;
      long now;
      do {
        step.run((int) (count + n));
        n++;
        now = System.nanoTime();
      } while (now < end);
      count += n;
      total += n;
      nanos += THREADS.getCurrentThreadCpuTime() - cpuStart;
      wallNanos += now - start;
    }

    void reset() {
      count = 0;
      nanos = 0;
      wallNanos = 0;
    }

    /** Per CPU-second of the measuring thread. */
    double rate() {
      return nanos == 0 ? 0 : count * 1e9 / nanos;
    }

    /**
     * Per second of wall-clock time: includes waiting (for a disk, say), and other processes' load.
     */
    double wallRate() {
      return wallNanos == 0 ? 0 : count * 1e9 / wallNanos;
    }
  }
}
