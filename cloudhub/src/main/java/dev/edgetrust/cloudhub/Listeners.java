package dev.edgetrust.cloudhub;

import dev.edgetrust.cloudhub.config.CloudHubException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CloudHub's server sockets, bound together and closed together: either every {@link Listener}
 * listens, or none does (those bound before one failed are closed again). Also the group of every
 * connection they accepted, so that a stop closes those too.
 */
final class Listeners {
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** By name, in the order they were bound. */
  private final Map<String, Channel> bound = new LinkedHashMap<>();

  Listeners(EventLoopGroup acceptors, EventLoopGroup workers) {
    this.acceptors = acceptors;
    this.workers = workers;
  }

  /**
   * Binds every listener, in order.
   *
   * @throws CloudHubException naming the listener, its address and why (a port in use, ...); none
   *     of them listens then
   */
  synchronized void bind(List<Listener> listeners) throws CloudHubException {
    Map<String, Channel> done = new LinkedHashMap<>();
    try {
      for (Listener listener : listeners) {
        done.put(listener.name(), bind(listener));
      }
    } catch (CloudHubException e) {
      done.values().forEach(c -> c.close().syncUninterruptibly());
      throw e;
    }
    bound.putAll(done);
  }

  private Channel bind(Listener listener) throws CloudHubException {
    String where = listener.name() + " on " + listener.address() + ":" + listener.port();
    try {
      return new ServerBootstrap()
          .group(acceptors, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new Accepted(connections, listener.initializer()))
          .bind(listener.address(), listener.port())
          .sync()
          .channel();
    } catch (Exception e) {
      String reason =
          e instanceof BindException
              ? "address already in use (is another CloudHub running?)"
              : e.getMessage();
      throw new CloudHubException("cannot listen for " + where + ": " + reason, e);
    } catch (Throwable t) {
      throw new CloudHubException("cannot listen for " + where + ": " + t, t);
    }
  }

  /** Adds every accepted connection to the group, then hands it to the listener's initializer. */
  private static final class Accepted extends ChannelInitializer<SocketChannel> {
    private final ChannelGroup connections;
    private final ChannelInitializer<SocketChannel> initializer;

    Accepted(ChannelGroup connections, ChannelInitializer<SocketChannel> initializer) {
      this.connections = connections;
      this.initializer = initializer;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
      connections.add(ch);
      ch.pipeline().addLast(initializer);
    }
  }

  /** Where {@code name} listens (the bound port when 0 was configured), if it runs. */
  synchronized Optional<InetSocketAddress> address(String name) {
    return Optional.ofNullable(bound.get(name)).map(c -> (InetSocketAddress) c.localAddress());
  }

  /** Which of {@code names} were bound and are no longer listening. */
  synchronized List<String> down(List<String> names) {
    List<String> down = new ArrayList<>();
    for (String name : names) {
      Channel c = bound.get(name);
      if (c != null && !c.isActive()) {
        down.add(name);
      }
    }
    return down;
  }

  /** Stops accepting: closes every server socket; accepted connections stay. */
  synchronized void closeServers() {
    bound.values().forEach(c -> c.close().syncUninterruptibly());
  }

  /** Closes every accepted connection, waiting a little for them to go. */
  void closeConnections() {
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
