package dev.edgetrust.cloudhub.metrics;

import dev.edgetrust.cloudhub.events.SessionInfo;
import dev.edgetrust.cloudhub.gateway.RelayEnd;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.RevocationList;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CloudHub's metrics in a registry of their own (never the JVM-wide default one), written in
 * the Prometheus text format by {@link #write}. Every name starts with {@code edgetrust_cloudhub_}.
 *
 * <p>Counters are pre-resolved per label value when this is built, so counting an event is one
 * array read and one atomic add: no label lookup, no allocation on a handshake. Gauges that mirror
 * state (sessions, expiry of each connected node's certificate, the server certificate, the
 * revocation list) are read from {@link HubState} when scraped, so they cannot drift from it and
 * their cardinality is bounded by the live sessions.
 *
 * <p>Label values are fixed enum labels, PKI operation names and node names (which {@code NodeName}
 * restricts to DNS-label characters); nothing secret is ever a label.
 */
public final class PrometheusHubMetrics implements HubMetrics {
  static final String PREFIX = "edgetrust_cloudhub_";

  /** PKI calls: local CA signatures take milliseconds, a remote Vault up to its timeouts. */
  private static final double[] PKI_SECONDS = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Clock clock;

  private final CounterDataPoint[][] handshakes;
  private final CounterDataPoint[] refusals;
  private final CounterDataPoint enrollments;
  private final CounterDataPoint renewals;
  private final CounterDataPoint refreshSuccesses;
  private final CounterDataPoint refreshFailures;
  private final CounterDataPoint reloadsAccepted;
  private final CounterDataPoint reloadsRefused;
  private final Counter relaysOpened;
  private final CounterDataPoint[] relaysEnded;
  private final DistributionDataPoint[] pkiDurations;
  private final CounterDataPoint[][] pkiErrors;
  private final AtomicLong lastRefreshSuccessMillis = new AtomicLong();
  private final AtomicLong lastRefreshFailureMillis = new AtomicLong();
  private volatile HubState state;

  public PrometheusHubMetrics(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");

    Counter handshakeCounter =
        counter(
            registry,
            PREFIX + "tls_handshakes_total",
            "TLS handshakes on the CloudHub's listeners, by listener and outcome",
            "listener",
            "outcome");
    handshakes = new CounterDataPoint[Listener.values().length][HandshakeOutcome.values().length];
    for (Listener l : Listener.values()) {
      for (HandshakeOutcome o : HandshakeOutcome.values()) {
        handshakes[l.ordinal()][o.ordinal()] = handshakeCounter.labelValues(l.label(), o.label());
      }
    }

    Counter refusalCounter =
        counter(
            registry,
            PREFIX + "refusals_total",
            "Connections and requests refused, at the TLS handshake, the WebSocket upgrade or the bootstrap endpoint, by reason",
            "reason");
    refusals = new CounterDataPoint[RefusalReason.values().length];
    for (RefusalReason r : RefusalReason.values()) {
      refusals[r.ordinal()] = refusalCounter.labelValues(r.label());
    }

    Counter issuedCounter =
        counter(
            registry,
            PREFIX + "certificates_issued_total",
            "Node certificates the bootstrap endpoint issued, by kind (enrollment with a join token, or renewal)",
            "kind");
    enrollments = issuedCounter.labelValues("enrollment");
    renewals = issuedCounter.labelValues("renewal");

    Counter refreshCounter =
        counter(
            registry,
            PREFIX + "revocation_refreshes_total",
            "Reads of the PKI's revocation list and blocklist, by outcome",
            "outcome");
    refreshSuccesses = refreshCounter.labelValues("success");
    refreshFailures = refreshCounter.labelValues("failure");

    Counter reloadCounter =
        counter(
            registry,
            PREFIX + "server_certificate_reloads_total",
            "Changed server certificate files put into service (reloaded) or refused, keeping the old one (refused)",
            "outcome");
    reloadsAccepted = reloadCounter.labelValues("reloaded");
    reloadsRefused = reloadCounter.labelValues("refused");

    relaysOpened =
        counter(
            registry,
            PREFIX + "upstream_sessions_opened_total",
            "Gateway: edge sessions whose upstream leg to cloudcore came up");
    Counter relayEndCounter =
        counter(
            registry,
            PREFIX + "upstream_sessions_ended_total",
            "Gateway: relayed edge sessions that ended, by reason (edge_gone, upstream_gone, upstream_unreachable, "
                + "upstream_backing_off, upstream_too_slow, edge_too_slow, bad_project_id)",
            "reason");
    relaysEnded = new CounterDataPoint[RelayEnd.values().length];
    for (RelayEnd end : RelayEnd.values()) {
      relaysEnded[end.ordinal()] = relayEndCounter.labelValues(end.label());
    }

    Histogram pkiHistogram =
        Histogram.builder()
            .name(PREFIX + "pki_request_duration_seconds")
            .help("Duration of calls to the PKI provider, by operation, failed calls included")
            .labelNames("operation")
            .classicOnly()
            .classicUpperBounds(PKI_SECONDS)
            .withoutExemplars()
            .register(registry);
    Counter pkiErrorCounter =
        counter(
            registry,
            PREFIX + "pki_errors_total",
            "Failed calls to the PKI provider, by operation and kind: refused (asking again will not help), "
                + "unavailable (retryable: down, sealed, overloaded), internal (an unexpected error)",
            "operation",
            "kind");
    pkiDurations = new DistributionDataPoint[PkiOperation.values().length];
    pkiErrors = new CounterDataPoint[PkiOperation.values().length][3];
    for (PkiOperation op : PkiOperation.values()) {
      pkiDurations[op.ordinal()] = pkiHistogram.labelValues(op.label());
      pkiErrors[op.ordinal()][0] = pkiErrorCounter.labelValues(op.label(), "refused");
      pkiErrors[op.ordinal()][1] = pkiErrorCounter.labelValues(op.label(), "unavailable");
      pkiErrors[op.ordinal()][2] = pkiErrorCounter.labelValues(op.label(), "internal");
    }

    GaugeWithCallback.builder()
        .name(PREFIX + "sessions")
        .help("Live node sessions")
        .callback(cb -> ifBound(s -> cb.call(s.sessions().size())))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "sessions_by_certificate")
        .help(
            "Live node sessions by certificate: named (CN=system:node:<name>) or cloudcore (issued by cloudcore, admitted in migration mode)")
        .labelNames("certificate")
        .callback(
            cb ->
                ifBound(
                    s -> {
                      long cloudcore = s.cloudcoreSessions();
                      cb.call(s.sessions().size() - cloudcore, "named");
                      cb.call(cloudcore, "cloudcore");
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "node_certificate_expiry_timestamp_seconds")
        .help(
            "When the certificate of each connected node expires (unix seconds); a node's series exists while its session does")
        .labelNames("node")
        .callback(
            cb ->
                ifBound(
                    s -> {
                      for (SessionInfo session : s.sessions()) {
                        cb.call(seconds(session.certificateNotAfter()), session.node().value());
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "server_certificate_expiry_timestamp_seconds")
        .help("When the server certificate in service expires (unix seconds)")
        .callback(
            cb -> ifBound(s -> cb.call(seconds(s.serverCertificate().getNotAfter().toInstant()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "revocation_list_age_seconds")
        .help(
            "Seconds since the revocation list in use was issued (its thisUpdate); absent until one is fetched,"
                + " or when the PKI publishes no dated list")
        .callback(
            cb ->
                ifBound(
                    s ->
                        datedList(s)
                            .ifPresent(
                                list ->
                                    cb.call(
                                        Math.max(
                                            0,
                                            (clock.millis() - list.thisUpdate().toEpochMilli())
                                                / 1000.0)))))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "revocation_list_next_update_timestamp_seconds")
        .help(
            "When the revocation list in use is due to be replaced (unix seconds); absent when it has no due date")
        .callback(
            cb ->
                ifBound(
                    s ->
                        s.revocationList()
                            .flatMap(RevocationList::nextUpdate)
                            .ifPresent(t -> cb.call(seconds(t)))))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "revocation_failing_closed")
        .help(
            "1 while every client certificate is refused for want of a current revocation list (revocation.failClosed)")
        .callback(cb -> ifBound(s -> cb.call(s.revocationFailingClosed().isPresent() ? 1 : 0)))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "revocation_last_success_timestamp_seconds")
        .help("When the revocation list was last read successfully (unix seconds)")
        .callback(cb -> timestamp(lastRefreshSuccessMillis, cb))
        .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "revocation_last_failure_timestamp_seconds")
        .help("When reading the revocation list last failed (unix seconds)")
        .callback(cb -> timestamp(lastRefreshFailureMillis, cb))
        .register(registry);
  }

  /** Makes the state gauges read {@code hubState}; until then they are absent. */
  public void observe(HubState hubState) {
    this.state = Objects.requireNonNull(hubState, "hubState");
  }

  @Override
  public void handshake(Listener listener, HandshakeOutcome outcome) {
    handshakes[listener.ordinal()][outcome.ordinal()].inc();
  }

  @Override
  public void refused(RefusalReason reason) {
    refusals[reason.ordinal()].inc();
  }

  @Override
  public void issued(boolean renewal) {
    (renewal ? renewals : enrollments).inc();
  }

  @Override
  public void revocationRefreshed(boolean success) {
    if (success) {
      refreshSuccesses.inc();
      lastRefreshSuccessMillis.set(clock.millis());
    } else {
      refreshFailures.inc();
      lastRefreshFailureMillis.set(clock.millis());
    }
  }

  @Override
  public void serverCertificateReloaded(boolean accepted) {
    (accepted ? reloadsAccepted : reloadsRefused).inc();
  }

  /**
   * Records one call to the PKI.
   *
   * @param failure what it threw, or {@code null} if it succeeded
   */
  void pkiCall(PkiOperation operation, long nanos, Throwable failure) {
    pkiDurations[operation.ordinal()].observe(nanos / 1e9);
    if (failure != null) {
      int kind = failure instanceof PkiException e ? (e.isRetryable() ? 1 : 0) : 2;
      pkiErrors[operation.ordinal()][kind].inc();
    }
  }

  /** Writes every metric in the Prometheus text format (version 0.0.4). */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** The content type of what {@link #write} writes. */
  public String contentType() {
    return writer.getContentType();
  }

  private void ifBound(java.util.function.Consumer<HubState> read) {
    HubState s = state;
    if (s != null) {
      read.accept(s);
    }
  }

  /** A PKI that cannot revoke publishes an undated empty list: it has no age. */
  private static Optional<RevocationList> datedList(HubState s) {
    return s.revocationList().filter(l -> !l.thisUpdate().equals(Instant.EPOCH));
  }

  private static void timestamp(AtomicLong millis, GaugeWithCallback.Callback cb) {
    long at = millis.get();
    if (at != 0) {
      cb.call(at / 1000.0);
    }
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  /**
   * A labelled counter on {@code registry}. Without exemplars: with them the library starts a
   * scheduler thread, and nothing here reads them; one place keeps a new counter from forgetting.
   */
  @Override
  public void relayOpened() {
    relaysOpened.inc();
  }

  @Override
  public void relayEnded(RelayEnd end) {
    relaysEnded[end.ordinal()].inc();
  }

  private static Counter counter(
      PrometheusRegistry registry, String name, String help, String... labelNames) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(labelNames)
        .withoutExemplars()
        .register(registry);
  }
}
