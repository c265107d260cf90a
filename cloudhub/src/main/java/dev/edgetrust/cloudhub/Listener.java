package dev.edgetrust.cloudhub;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.util.Objects;

/**
 * One server socket of the CloudHub: what it is called in logs, errors and readiness, where it
 * listens, and what every connection it accepts gets.
 *
 * @param name {@code websocket}, {@code https} (the bootstrap), {@code admin} or {@code metrics}
 * @param port 0 for any free port (tests)
 */
record Listener(
    String name, String address, int port, ChannelInitializer<SocketChannel> initializer) {
  Listener {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(initializer, "initializer");
  }
}
