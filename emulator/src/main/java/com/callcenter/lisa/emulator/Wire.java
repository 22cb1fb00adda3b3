package com.callcenter.lisa.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

/** Writes answers onto an exchange: fixed-length bodies, flushed streams, and broken streams. */
final class Wire {

    private Wire() {}

    /**
     * Thrown after a deliberately unfinished body. The JDK server closes the connection when a
     * handler throws before the body is complete, which is exactly the abrupt drop we want the client
     * to see.
     */
    static final class ConnectionDropped extends RuntimeException {
        ConnectionDropped() {
            super("connection dropped on purpose", null, false, false);
        }
    }

    static void sendFixed(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Chunked transfer: each piece is flushed as it is produced, with {@code gap} between pieces. */
    static void sendStreamed(HttpExchange exchange, int status, String contentType, List<byte[]> pieces, Duration gap)
            throws IOException {
        OutputStream out = writePieces(exchange, status, contentType, pieces, gap);
        out.close(); // writes the terminating zero-length chunk
    }

    /**
     * Like {@link #sendStreamed}, but piece {@code i} is made only when it is due, after the gap:
     * what it contains may depend on the moment it is written (chunk stamps).
     */
    static void sendStreamed(
            HttpExchange exchange, int status, String contentType, int count, IntFunction<byte[]> piece, Duration gap)
            throws IOException {
        OutputStream out = writePieces(exchange, status, contentType, count, piece, gap);
        out.close();
    }

    /** Like {@link #sendStreamed} but the body is never finished: the connection is cut instead. */
    static void sendThenDrop(HttpExchange exchange, int status, String contentType, List<byte[]> pieces, Duration gap)
            throws IOException {
        writePieces(exchange, status, contentType, pieces, gap);
        throw new ConnectionDropped();
    }

    private static OutputStream writePieces(
            HttpExchange exchange, int status, String contentType, List<byte[]> pieces, Duration gap)
            throws IOException {
        return writePieces(exchange, status, contentType, pieces.size(), pieces::get, gap);
    }

    private static OutputStream writePieces(
            HttpExchange exchange, int status, String contentType, int count, IntFunction<byte[]> piece, Duration gap)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, 0); // 0 = chunked
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                pause(gap);
            }
            out.write(piece.apply(i));
            out.flush();
        }
        return out;
    }

    /** Sleeps; an interrupt (the emulator is stopping) aborts the exchange. */
    static void pause(Duration d) throws IOException {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("emulator stopping");
        }
    }
}
