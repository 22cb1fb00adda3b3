package com.callcenter.lisa.gemini;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The HTTP client under the SDK (OkHttp, handed to it as its custom client, so every call still goes
 * through the SDK). Built here instead of by the SDK for two settings the SDK does not offer:
 *
 * <ul>
 *   <li><b>TCP_NODELAY</b> on every connection. OkHttp leaves Nagle's algorithm on. A turn's request is
 *       Lisa's instruction, the tools and the history: once it passes ~8 KB, OkHttp writes the headers and
 *       the body (or the body's 8 KB segments) separately, and Nagle holds each later write until the
 *       first is acknowledged, which the receiver delays by up to 40 ms (Linux's delayed ACK) because it
 *       has nothing to answer before the body is in. Measured against the emulator: turns 8-10 of a
 *       conversation took ~55 ms instead of ~7 ms, a third of all turns in the overhead benchmark.
 *   <li><b>A connection pool as large as {@code max-connections}</b>. OkHttp's default pool keeps 5 idle
 *       connections, so with more turns in flight it closed the others after each call and opened new
 *       ones (a fifth of the calls at 16 connections), paying a TCP (and with Google a TLS) handshake.
 * </ul>
 *
 * The rest is what the SDK sets up for its own client: no connect/read/write timeouts (the SDK's call
 * timeout, {@code lisa.gemini.timeout}, bounds the whole call, streaming included) and a dispatcher
 * limited to {@code max-connections} requests.
 */
final class GeminiTransport {

    /** How long an unused connection stays open for the next turn (OkHttp's default). */
    private static final Duration IDLE_CONNECTION = Duration.ofMinutes(5);

    private GeminiTransport() {}

    static OkHttpClient client(int maxConnections) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(maxConnections);
        dispatcher.setMaxRequestsPerHost(maxConnections);
        return new OkHttpClient.Builder()
                .socketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()))
                .connectionPool(new ConnectionPool(maxConnections, IDLE_CONNECTION.toMillis(), TimeUnit.MILLISECONDS))
                .dispatcher(dispatcher)
                .connectTimeout(Duration.ZERO)
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .build();
    }

    /**
     * Plain sockets with TCP_NODELAY. OkHttp asks for an unconnected socket and connects it itself; it
     * layers TLS on top of this socket, so HTTPS connections to Google get the option too.
     */
    static final class NoDelaySocketFactory extends SocketFactory {

        private final SocketFactory sockets;

        NoDelaySocketFactory(SocketFactory sockets) {
            this.sockets = sockets;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(sockets.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(sockets.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(sockets.createSocket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }
}
