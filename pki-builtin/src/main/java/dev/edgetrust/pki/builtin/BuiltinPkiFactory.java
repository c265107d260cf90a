package dev.edgetrust.pki.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetrust.config.ConfigException;
import dev.edgetrust.credential.CredentialFileException;
import dev.edgetrust.pki.CloudPki;
import dev.edgetrust.pki.CloudPkiContext;
import dev.edgetrust.pki.JoinTokenMinting;
import dev.edgetrust.pki.MintedJoinToken;
import dev.edgetrust.pki.NodeName;
import dev.edgetrust.pki.PkiProvider;
import dev.edgetrust.pki.PkiProviderFactory;
import dev.edgetrust.pki.jointoken.JoinTokenFile;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * The built-in CA as a plug-in, {@code pki.provider: builtin} (also what an absent {@code pki}
 * means): KubeEdge's own model. The CA is the pair {@code tlsCAFile}/{@code tlsCAKeyFile}, created
 * on first start; nodes enroll at the CloudHub's {@code /edge.crt} with join tokens, so there is no
 * edge side, and {@code joinTokenFile}, when set, is kept current beside the CloudHub.
 */
public final class BuiltinPkiFactory implements PkiProviderFactory {
  public static final String NAME = "builtin";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CloudPki cloud(CloudPkiContext context) throws ConfigException {
    JsonNode own = context.config().node(context.section());
    if (!own.isMissingNode() && !own.isNull() && !(own.isObject() && own.isEmpty())) {
      throw new ConfigException(
          context.config().file()
              + ": '"
              + context.section()
              + "' takes no keys: the"
              + " built-in CA is modules.cloudHub.tlsCAFile and tlsCAKeyFile; remove it");
    }
    BuiltinCa ca;
    try {
      ca =
          BuiltinCa.loadOrCreate(
              BuiltinCaFiles.of(context.caCertificateFile(), context.caKeyFile()), context.clock());
    } catch (CredentialFileException e) {
      throw new ConfigException(e.getMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(
          "the built-in CA in "
              + context.caKeyFile().getParent()
              + " cannot be loaded or"
              + " created: "
              + e.getMessage(),
          e);
    }
    return new Cloud(ca, context.joinTokenFile(), context.tokenRefresh());
  }

  /** The built-in CA and its join-token file. */
  private static final class Cloud implements CloudPki, JoinTokenMinting {
    private final BuiltinCa ca;
    private final Optional<java.nio.file.Path> joinTokenFile;
    private final Duration refresh;
    private JoinTokenFile tokens;

    Cloud(BuiltinCa ca, Optional<java.nio.file.Path> joinTokenFile, Duration refresh) {
      this.ca = ca;
      this.joinTokenFile = joinTokenFile;
      this.refresh = refresh;
    }

    @Override
    public PkiProvider provider() {
      return ca;
    }

    @Override
    public synchronized void startBesideCloudHub() throws IOException {
      if (tokens == null && joinTokenFile.isPresent()) {
        tokens = JoinTokenFile.start(this, joinTokenFile.get(), refresh);
      }
    }

    @Override
    public Optional<JoinTokenMinting> joinTokens() {
      return Optional.of(this);
    }

    @Override
    public MintedJoinToken mint(Duration validity) {
      return ca.mintJoinToken(validity);
    }

    @Override
    public MintedJoinToken mintFor(NodeName node, Duration validity) {
      return ca.mintJoinToken(node, validity);
    }

    @Override
    public X509Certificate caCertificate() {
      return ca.caCertificate();
    }

    @Override
    public synchronized void close() {
      if (tokens != null) {
        tokens.close();
      }
      ca.close();
    }

    @Override
    public String toString() {
      return "builtin CA " + ca.caCertificate().getSubjectX500Principal().getName();
    }
  }
}
