package dev.edgetrust.cloudhub.gateway;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

/** Opens the upstream leg of a relay. */
interface UpstreamDialer {
  /**
   * Connects to cloudcore on {@code loop} (the edge leg's), with a pipeline that reports to {@code
   * relay} and performs {@code handshake}.
   *
   * @return the connect: its channel is the upstream leg from now on
   */
  ChannelFuture dial(Relay relay, UpstreamHandshake handshake, EventLoop loop);
}
