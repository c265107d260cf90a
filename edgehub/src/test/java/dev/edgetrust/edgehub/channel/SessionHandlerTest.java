package dev.edgetrust.edgehub.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.edgetrust.message.Message;
import dev.edgetrust.revocation.RevocationNotice;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.ReadTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end of the edge's pipeline: channel events become session events, and the end of a session
 * records what it says about the certificate it was dialled with (its {@link CredentialVerdict}).
 */
class SessionHandlerTest {
  /** What the listener heard, in order. */
  sealed interface Heard {
    record Opened() implements Heard {}

    record Received(Message message) implements Heard {}

    record Writable() implements Heard {}
  }

  private final List<Heard> heard = new CopyOnWriteArrayList<>();
  private final SessionListener listener =
      new SessionListener() {
        @Override
        public void opened(CloudSession session) {
          heard.add(new Heard.Opened());
        }

        @Override
        public void received(CloudSession session, Message message) {
          heard.add(new Heard.Received(message));
        }

        @Override
        public void writable(CloudSession session) {
          heard.add(new Heard.Writable());
        }

        @Override
        public void closed(CloudSession session, String reason) {
          throw new AssertionError("the connector reports the close, not the handler");
        }
      };
  private final CloudSession session = new CloudSession("cloudhub.test:10000", null);
  private final EmbeddedChannel channel = new EmbeddedChannel();

  SessionHandlerTest() {
    session.attach(channel);
    FailureDescriber describer =
        new FailureDescriber("cloudhub.test:10000", Duration.ofSeconds(40), Duration.ofSeconds(10));
    channel.pipeline().addLast(new SessionHandler(session, listener, describer));
  }

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  @Test
  void upgradeComplete_opensTheSession() {
    assertThat(session.isOpen()).isFalse();

    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);

    assertThat(heard).containsExactly(new Heard.Opened());
    assertThat(session.isOpen()).isTrue();
  }

  @Test
  void messages_reachTheListener_inOrder() {
    Message first =
        Message.create(
            new Message.Route("edged", "twin", "resource", "update", "a"), TextNode.valueOf("1"));
    Message second =
        Message.create(
            new Message.Route("edged", "twin", "resource", "update", "b"), TextNode.valueOf("2"));

    channel.writeInbound(first, second);

    assertThat(heard).containsExactly(new Heard.Received(first), new Heard.Received(second));
  }

  @Test
  void revocationNotice_retiresTheCertificate_andClosesTheSession() {
    channel.writeInbound(
        new CloseWebSocketFrame(
            RevocationNotice.CLOSE_CODE, RevocationNotice.REVOKED.reason("serial 0a")));

    assertThat(session.verdict()).isEqualTo(CredentialVerdict.REVOKED);
    assertThat(session.failure()).startsWith("the CloudHub closed the session (1008 revoked: ");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void blockedNotice_retiresTheCertificateToo() {
    channel.writeInbound(
        new CloseWebSocketFrame(
            RevocationNotice.CLOSE_CODE, RevocationNotice.BLOCKED.reason("by admin")));

    assertThat(session.verdict()).isEqualTo(CredentialVerdict.REVOKED);
  }

  @Test
  void ordinaryCloseFrame_saysNothingAboutTheCertificate() {
    channel.writeInbound(new CloseWebSocketFrame(1001, "going away"));

    assertThat(session.verdict()).isEqualTo(CredentialVerdict.NONE);
    assertThat(session.failure()).isEqualTo("the CloudHub closed the session (1001 going away)");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void goingAway1001_marksTheSessionForAnImmediateReconnect() {
    channel.writeInbound(new CloseWebSocketFrame(1001, "CloudHub is shutting down"));

    assertThat(session.toldToGoAway()).isTrue();
  }

  @Test
  void otherCloseCodes_doNotSkipTheBackoff() {
    channel.writeInbound(new CloseWebSocketFrame(1011, "internal error"));

    assertThat(session.toldToGoAway()).isFalse();
  }

  @Test
  void certificateAlertAtTheHandshake_isARefusal() {
    channel
        .pipeline()
        .fireUserEventTriggered(
            new SslHandshakeCompletionEvent(
                new SSLHandshakeException("Received fatal alert: certificate_unknown")));

    assertThat(session.verdict()).isEqualTo(CredentialVerdict.REFUSED);
    assertThat(session.failure()).startsWith("TLS with cloudhub.test:10000 failed");
    assertThat(heard).isEmpty();
  }

  @Test
  void certificateAlertAfterTheHandshake_tls13_isARefusal_andClosesTheSession() {
    channel
        .pipeline()
        .fireExceptionCaught(
            new DecoderException(new SSLException("Received fatal alert: certificate_revoked")));

    assertThat(session.verdict()).isEqualTo(CredentialVerdict.REFUSED);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void refusalThenRevocation_theRevocationOutranksIt_andTheFirstReasonIsKept() {
    channel
        .pipeline()
        .fireUserEventTriggered(
            new SslHandshakeCompletionEvent(
                new SSLHandshakeException("Received fatal alert: certificate_unknown")));
    String first = session.failure();

    channel.writeInbound(
        new CloseWebSocketFrame(RevocationNotice.CLOSE_CODE, RevocationNotice.REVOKED.reason("x")));

    assertThat(session.verdict()).isEqualTo(CredentialVerdict.REVOKED);
    assertThat(session.failure()).isEqualTo(first);
  }

  @Test
  void deadConnection_isNoVerdict_andSaysHowLongItWasSilent() {
    channel.pipeline().fireExceptionCaught(ReadTimeoutException.INSTANCE);

    assertThat(session.verdict()).isEqualTo(CredentialVerdict.NONE);
    assertThat(session.failure())
        .isEqualTo(
            "nothing from the CloudHub cloudhub.test:10000 for 40 s; the connection is dead");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void writableAgain_isReported() {
    channel.pipeline().fireChannelWritabilityChanged();

    assertThat(heard).containsExactly(new Heard.Writable());
  }
}
