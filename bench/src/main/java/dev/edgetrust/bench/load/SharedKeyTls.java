package dev.edgetrust.bench.load;

import dev.edgetrust.bench.fixture.NodeIdentities;
import dev.edgetrust.tls.TlsProtocols;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One client TLS context for thousands of nodes: each connection presents the certificate of the
 * node it was opened for. A context per node would cost the load client more memory than the
 * sessions it holds; the key manager instead looks up which node an engine belongs to.
 *
 * <p>Every handshake is a full one: the engines are made without a peer host, so the JDK finds no
 * cached session to resume (a resumed TLS 1.3 session would also carry an earlier connection's
 * client certificate, i.e. another node's identity). Without a peer host there is no host name to
 * check; the server's chain is still verified against the CA, which is the part that costs.
 */
public final class SharedKeyTls {
  private final NodeIdentities identities;
  private final Map<SSLEngine, Integer> nodeOfEngine = new ConcurrentHashMap<>();
  private final SslContext context;

  public SharedKeyTls(NodeIdentities identities) throws SSLException {
    this.identities = identities;
    this.context =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(TlsProtocols.supported())
            .keyManager(new NodeKeyManager())
            .trustManager(identities.ca())
            .endpointIdentificationAlgorithm(null)
            .build();
  }

  public NodeIdentities identities() {
    return identities;
  }

  /** A TLS handler for {@code channel} that presents node {@code node}'s certificate. */
  public SslHandler handler(Channel channel, int node) {
    SslHandler handler = context.newHandler(channel.alloc());
    SSLEngine engine = handler.engine();
    nodeOfEngine.put(engine, node);
    channel.closeFuture().addListener(f -> nodeOfEngine.remove(engine));
    return handler;
  }

  private final class NodeKeyManager extends X509ExtendedKeyManager {
    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      Integer node = nodeOfEngine.get(engine);
      return node == null ? null : node.toString();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {identities.certificates().get(Integer.parseInt(alias))};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return identities.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
