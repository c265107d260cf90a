package dev.edgetrust.cloudhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgetrust.cloudhub.config.CloudHubException;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CloudHub's listeners bind together or not at all, and say which one could not. */
class ListenersTest {
  private final EventLoopGroup acceptors =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static Listener listener(String name, int port) {
    return new Listener(
        name,
        "127.0.0.1",
        port,
        new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {}
        });
  }

  @Test
  void allFree_everyListenerListens_andIsFoundByName() throws Exception {
    Listeners listeners = new Listeners(acceptors, workers);

    listeners.bind(List.of(listener("websocket", 0), listener("admin", 0)));

    assertThat(listeners.address("websocket")).isPresent();
    assertThat(listeners.address("admin")).isPresent();
    assertThat(listeners.address("metrics")).as("not configured").isEmpty();
    assertThat(listeners.down(List.of("websocket", "admin"))).isEmpty();
    listeners.closeServers();
    assertThat(listeners.down(List.of("websocket", "admin"))).containsExactly("websocket", "admin");
  }

  /**
   * A free loopback port below the kernel's ephemeral range. A port probed with port 0 comes from
   * that range, and once the probe closes, any outgoing connection of this JVM (an edge test's
   * reconnect, a client) may take it as its local port before the test binds it again: this test
   * once failed just so. Below the range only an explicit bind takes it.
   */
  private static int freePortTheKernelDoesNotHandOut() throws IOException {
    // Linux's default ip_local_port_range starts here (and IANA's dynamic range higher still).
    int low = 32768;
    int start = 10_240 + ThreadLocalRandom.current().nextInt(Math.max(1, low - 10_240));
    for (int i = 0; i < low - 10_240; i++) {
      int port = 10_240 + (start - 10_240 + i) % (low - 10_240);
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IOException("no free loopback port below " + low);
  }

  @Test
  void onePortTaken_noneListens_andTheErrorNamesTheListenerAndItsAddress() throws Exception {
    int first = freePortTheKernelDoesNotHandOut();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Listeners listeners = new Listeners(acceptors, workers);

      assertThatThrownBy(
              () ->
                  listeners.bind(
                      List.of(
                          listener("websocket", first), listener("metrics", taken.getLocalPort()))))
          .isInstanceOf(CloudHubException.class)
          .hasMessage(
              "cannot listen for metrics on 127.0.0.1:"
                  + taken.getLocalPort()
                  + ": address already in use (is another CloudHub running?)");

      assertThat(listeners.address("websocket")).isEmpty();
      // The listener bound before the failure was closed again: its port is free.
      try (ServerSocket again = new ServerSocket()) {
        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), first));
      }
    }
  }
}
