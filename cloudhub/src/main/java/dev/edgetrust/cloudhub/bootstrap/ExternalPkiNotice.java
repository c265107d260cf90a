package dev.edgetrust.cloudhub.bootstrap;

import dev.edgetrust.cloudhub.http.HttpReplies;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The bootstrap port when the CloudHub runs on an external PKI: {@code /ca.crt} and {@code
 * /edge.crt} are off, and a node that still calls them is told so instead of getting a bare
 * connection refusal.
 */
public final class ExternalPkiNotice extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final String provider;

  public ExternalPkiNotice(String provider) {
    this.provider = provider;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    HttpReplies.refuse(
        ctx,
        HttpResponseStatus.NOT_FOUND,
        "this CloudHub uses an external PKI ("
            + provider
            + "): nodes enroll with it, not with /ca.crt or /edge.crt"
            + " (see ./edgetrust enroll NODE)");
  }
}
