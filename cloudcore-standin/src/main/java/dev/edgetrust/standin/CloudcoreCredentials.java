package dev.edgetrust.standin;

import dev.edgetrust.credential.KeyCertificateFiles;
import dev.edgetrust.pki.CertificateUsage;
import dev.edgetrust.pki.PkiException;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.SigningRequest;
import dev.edgetrust.x509.Csr;
import dev.edgetrust.x509.HeldCertificate;
import dev.edgetrust.x509.Keys;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * What a cloudcore's CA hands out around a gateway, made with any CA standing in for cloudcore's:
 * cloudcore's server certificate (for the stand-in to present) and the one gateway client
 * certificate, written as README step 1 leaves them ({@code rootCA.crt}, {@code gateway.crt},
 * {@code gateway.key} 0600), named as edgecore's CSR names it since cloudcore copies the CN.
 */
public final class CloudcoreCredentials {
  private static final X500Principal EDGECORE_SUBJECT =
      new X500Principal("CN=kubeedge.io, O=kubeEdge");

  /** The three files {@code modules.cloudHub.upstream} names. */
  public record GatewayFiles(Path caFile, Path certFile, Path keyFile) {}

  private final PkiProvider cloudcoreCa;
  private final Duration lifetime;

  private CloudcoreCredentials(PkiProvider cloudcoreCa, Duration lifetime) {
    this.cloudcoreCa = cloudcoreCa;
    this.lifetime = lifetime;
  }

  /**
   * @param cloudcoreCa the CA playing cloudcore's; never the gateway's own, unless a bench wants
   *     one CA for both
   */
  public static CloudcoreCredentials of(PkiProvider cloudcoreCa, Duration lifetime) {
    return new CloudcoreCredentials(cloudcoreCa, lifetime);
  }

  /** cloudcore's server certificate for {@code address} (an IP SAN: the gateway checks it). */
  public HeldCertificate serverCertificate(InetAddress address) throws PkiException {
    KeyPair keys = Keys.newP256();
    return new HeldCertificate(
        keys.getPrivate(),
        List.of(
            cloudcoreCa
                .sign(
                    SigningRequest.forServer(
                        "cloudcore",
                        Csr.create(keys, new X500Principal("CN=cloudcore")),
                        List.of(),
                        List.of(address),
                        lifetime))
                .certificate()));
  }

  /** Signs a gateway certificate and writes it, its key and cloudcore's CA into {@code dir}. */
  public GatewayFiles writeGatewayFiles(Path dir) throws PkiException, IOException {
    KeyPair keys = Keys.newP256();
    HeldCertificate gateway =
        new HeldCertificate(
            keys.getPrivate(),
            List.of(
                cloudcoreCa
                    .sign(
                        new SigningRequest(
                            EDGECORE_SUBJECT,
                            Csr.create(keys, EDGECORE_SUBJECT),
                            EnumSet.of(CertificateUsage.CLIENT_AUTH),
                            List.of(),
                            List.of(),
                            lifetime))
                    .certificate()));
    GatewayFiles files =
        new GatewayFiles(
            dir.resolve("rootCA.crt"), dir.resolve("gateway.crt"), dir.resolve("gateway.key"));
    new KeyCertificateFiles(files.keyFile(), files.certFile()).write(gateway);
    KeyCertificateFiles.writeCertificates(files.caFile(), cloudcoreCa.trustAnchors());
    return files;
  }

  /** A stand-in on 127.0.0.1 presenting cloudcore's certificate and trusting cloudcore's CA. */
  public CloudcoreStandIn startStandIn(
      Duration keepaliveInterval, CloudcoreStandIn.Recording recording) throws Exception {
    return CloudcoreStandIn.start(
        serverCertificate(InetAddress.getByName("127.0.0.1")),
        cloudcoreCa.trustAnchors(),
        keepaliveInterval,
        recording);
  }
}
