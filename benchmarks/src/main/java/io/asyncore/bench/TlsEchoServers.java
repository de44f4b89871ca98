package io.asyncore.bench;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.EventLoop;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The TLS echo servers: ours (the seed's {@link DispatcherWithSend} echo with a
 * {@link TlsLayer} under it, one loop) and Netty 4.2's {@link SslHandler} on the JDK's
 * {@link SSLEngine} (one event-loop thread), from the same {@link SSLContext}.
 */
final class TlsEchoServers {

    private TlsEchoServers() {}

    /** Ours. */
    static final class Asyncore implements EchoServer {
        private final EventLoop loop = EventLoop.start("tls-echo");
        private final AtomicInteger connections = new AtomicInteger();
        private final int port;

        Asyncore(SSLContext context) throws Exception {
            TlsConfig config = TlsConfig.builder(context).build();
            CompletableFuture<Integer> bound = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    Listener l = new Listener(loop.map(), config);
                    bound.complete(((InetSocketAddress) l.localAddress()).getPort());
                } catch (IOException | RuntimeException e) {
                    bound.completeExceptionally(e);
                }
            });
            port = bound.get(10, TimeUnit.SECONDS);
        }

        private final class Listener extends Dispatcher {
            private final TlsConfig config;

            Listener(ChannelMap map, TlsConfig config) throws IOException {
                super(map);
                this.config = config;
                createSocket(AddressFamily.INET);
                setReuseAddr();
                bind(new InetSocketAddress("127.0.0.1", 0));
                listen(4096);
            }

            @Override
            protected void handleAccepted(java.nio.channels.SocketChannel sock, SocketAddress addr) throws IOException {
                sock.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connections.incrementAndGet();
                TlsLayer.server(new DispatcherWithSend(sock) {
                    @Override
                    protected void handleRead() throws IOException {
                        byte[] data = recv(16384);
                        if (data.length > 0) {
                            send(data);
                        }
                    }

                    @Override
                    public void handleClose() {
                        connections.decrementAndGet();
                        close();
                    }
                }, config);
            }
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public int connections() {
            return connections.get();
        }

        @Override
        public void close() {
            loop.close();
        }
    }

    /** Netty with {@link SslHandler} on the JDK provider. */
    static final class Netty implements EchoServer {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final AtomicInteger connections = new AtomicInteger();
        private final Channel server;

        Netty(SSLContext context) {
            server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SSLEngine engine = context.createSSLEngine();
                            engine.setUseClientMode(false);
                            ch.pipeline().addLast(new SslHandler(engine), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    connections.incrementAndGet();
                                    ctx.fireChannelActive();
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    connections.decrementAndGet();
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.write(msg, ctx.voidPromise());
                                }

                                @Override
                                public void channelReadComplete(ChannelHandlerContext ctx) {
                                    ctx.flush();
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .syncUninterruptibly()
                    .channel();
        }

        @Override
        public int port() {
            return ((InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public int connections() {
            return connections.get();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts the server of {@code kind}: {@code asyncore} or {@code netty}. */
    static EchoServer start(String kind, SSLContext context) throws Exception {
        return switch (kind) {
            case "asyncore" -> new Asyncore(context);
            case "netty" -> new Netty(context);
            default -> throw new IllegalArgumentException("unknown TLS server " + kind + " (asyncore, netty)");
        };
    }
}
