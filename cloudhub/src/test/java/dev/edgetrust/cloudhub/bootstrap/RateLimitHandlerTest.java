package dev.edgetrust.cloudhub.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgetrust.cloudhub.metrics.HubMetrics;
import dev.edgetrust.cloudhub.refusal.RefusalReason;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limiter handler on its own: what passes on, what is answered 429, what is dropped. */
class RateLimitHandlerTest {
  private final AtomicLong now = new AtomicLong();
  private final AddressRateLimiter limiter = new AddressRateLimiter(0.5, 1, 100, now::get);
  private final AddressRateLimiter enrollments = new AddressRateLimiter(1.0 / 60, 2, 100, now::get);
  private final List<Object> passed = new ArrayList<>();
  private final List<RefusalReason> refusals = new ArrayList<>();
  private final HubMetrics metrics =
      new HubMetrics() {
        @Override
        public void refused(RefusalReason reason) {
          refusals.add(reason);
        }
      };

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(
        new RateLimitHandler(new BootstrapRateLimiters(limiter, enrollments), metrics),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            passed.add(msg.getClass().getSimpleName());
            ReferenceCountUtil.release(msg);
          }
        });
  }

  private static DefaultHttpRequest edgeCrt() {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/edge.crt");
  }

  @Test
  void requestWithinTheLimit_passesWithItsBody() {
    EmbeddedChannel ch = channel();

    ch.writeInbound(
        edgeCrt(),
        new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])),
        new DefaultLastHttpContent());

    assertThat(passed)
        .containsExactly("DefaultHttpRequest", "DefaultHttpContent", "DefaultLastHttpContent");
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(ch.isOpen()).isTrue();
    assertThat(refusals).isEmpty();
  }

  @Test
  void
      requestOverTheLimit_isAnswered429WithRetryAfter_itsBodyDroppedUnread_andTheConnectionClosed() {
    channel().writeInbound(edgeCrt(), new DefaultLastHttpContent());
    passed.clear();
    EmbeddedChannel ch = channel();
    var body = Unpooled.wrappedBuffer(new byte[1000]);

    ch.writeInbound(edgeCrt(), new DefaultHttpContent(body), new DefaultLastHttpContent());

    assertThat(passed).isEmpty();
    assertThat(body.refCnt()).isZero();
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.TOO_MANY_REQUESTS);
    // 0.5 a second: the next token is two seconds away.
    assertThat(response.headers().get("Retry-After")).isEqualTo("2");
    assertThat(response.content().toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("too many requests");
    response.release();
    assertThat(ch.isOpen()).isFalse();
    assertThat(refusals).containsExactly(RefusalReason.RATE_LIMITED);
  }

  @Test
  void retryAfterIsNeverZero_evenWhenTheNextTokenIsMillisecondsAway() {
    channel().writeInbound(edgeCrt(), new DefaultLastHttpContent());
    now.addAndGet(1_999_000_000L);
    EmbeddedChannel ch = channel();

    ch.writeInbound(edgeCrt(), new DefaultLastHttpContent());

    FullHttpResponse response = ch.readOutbound();
    assertThat(response.headers().get("Retry-After")).isEqualTo("1");
    response.release();
  }

  @Test
  void onceATokenIsBack_theAddressIsServedAgain() {
    channel().writeInbound(edgeCrt(), new DefaultLastHttpContent());
    now.addAndGet(2_000_000_000L);
    passed.clear();

    EmbeddedChannel ch = channel();
    ch.writeInbound(edgeCrt(), new DefaultLastHttpContent());

    assertThat(passed).containsExactly("DefaultHttpRequest", "DefaultLastHttpContent");
  }

  private static DefaultHttpRequest tokenEnrollment() {
    DefaultHttpRequest request = edgeCrt();
    request.headers().set("Authorization", "Bearer abc.def");
    return request;
  }

  @Test
  void tokenEnrollments_areHeldToTheirOwnTighterBucket_renewalsAreNot() {
    // A generous request bucket: only the enrollment bucket (burst 2, one a minute) can refuse.
    AddressRateLimiter roomy = new AddressRateLimiter(1000, 1000, 100, now::get);
    java.util.function.Supplier<EmbeddedChannel> open =
        () ->
            new EmbeddedChannel(
                new RateLimitHandler(new BootstrapRateLimiters(roomy, enrollments), metrics),
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    passed.add(msg.getClass().getSimpleName());
                    ReferenceCountUtil.release(msg);
                  }
                });
    open.get().writeInbound(tokenEnrollment(), new DefaultLastHttpContent());
    open.get().writeInbound(tokenEnrollment(), new DefaultLastHttpContent());
    passed.clear();

    EmbeddedChannel third = open.get();
    third.writeInbound(tokenEnrollment(), new DefaultLastHttpContent());
    FullHttpResponse response = third.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.TOO_MANY_REQUESTS);
    assertThat(response.headers().get("Retry-After")).isEqualTo("60");
    assertThat(response.content().toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("too many token enrollments");
    response.release();
    assertThat(passed).isEmpty();

    // A renewal (no token: the node's certificate authenticates it) from the same address passes.
    open.get().writeInbound(edgeCrt(), new DefaultLastHttpContent());
    assertThat(passed).containsExactly("DefaultHttpRequest", "DefaultLastHttpContent");
  }
}
