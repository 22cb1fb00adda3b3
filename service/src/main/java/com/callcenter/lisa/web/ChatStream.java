package com.callcenter.lisa.web;

import com.callcenter.lisa.chat.PlaceInLine;
import com.callcenter.lisa.chat.TurnObserver;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * One streamed turn as server-sent events: {@code queued} while it waits for quota, {@code delta} for
 * each piece of the reply, {@code tool} for each tool call, then {@code done} (followed by {@code handoff} when the
 * turn handed the session to a human agent) or {@code error}. The queue pushes each new place to
 * {@link #queued} (on its own thread, which must never wait for this client's writes); a watcher thread writes it
 * as a {@code queued} event, and a comment when the stream has been idle for the keep-alive interval.
 * A write that fails means the client went away, and a request still waiting then leaves the queue
 * without spending quota. Once Gemini is being asked, the turn completes regardless.
 */
final class ChatStream implements TurnObserver, AutoCloseable {

    record Queued(int position, long estimatedWaitMs) {}

    record Delta(String text) {}

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final JsonMapper json;
    private final WebProperties.Stream settings;
    private final PlaceInLine place;
    /** Guards the state below; held only for moments, never across a write to the client. */
    private final ReentrantLock lock = new ReentrantLock();

    private final Condition finished = lock.newCondition();
    /** Orders the writes to the client; may be held while a slow client takes its time. */
    private final ReentrantLock writing = new ReentrantLock();

    private final Thread watcher;
    private boolean answering;
    private boolean gone;
    private boolean closed;
    private long lastWrite = System.nanoTime();
    private int lastPosition = Integer.MAX_VALUE;
    /** A place pushed by the queue and not yet written; null when none is pending. */
    private Queued pending;

    private ChatStream(OutputStream out, JsonMapper json, WebProperties.Stream settings, PlaceInLine place) {
        this.out = out;
        this.json = json;
        this.settings = settings;
        this.place = place;
        this.watcher = Thread.ofVirtual().name("chat-stream-watcher").unstarted(this::watch);
    }

    /** Commits a 200 event stream; tells a client that has to wait its place at once. */
    static ChatStream open(
            HttpServletResponse response, JsonMapper json, WebProperties.Stream settings, Optional<PlaceInLine> place) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx would otherwise hold events back
        OutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IOException | IllegalStateException e) {
            out = OutputStream.nullOutputStream();
        }
        ChatStream stream = new ChatStream(out, json, settings, place.orElse(null));
        place.filter(p -> p.arrivalEstimate().isPositive())
                .ifPresent(p -> stream.sendQueued(
                        new Queued(p.arrivalPosition(), p.arrivalEstimate().toMillis())));
        stream.flushHeaders(response);
        stream.watcher.start();
        return stream;
    }

    @Override
    public boolean wantsPieces() {
        return true;
    }

    @Override
    public void answering() {
        lock.lock();
        try {
            answering = true;
            pending = null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The queue moved this message: noted for the watcher to write, the newest place replacing one not
     * yet written. A place can go back as well as forward: the queue is round robin over clients, so a
     * client that starts waiting takes its turn ahead of a busy client's backlog, and a retry goes to the
     * front; the client is told where it really stands.
     */
    @Override
    public void queued(int position, Duration estimatedWait) {
        lock.lock();
        try {
            if (!answering && position != lastPosition) {
                pending = new Queued(position, estimatedWait.toMillis());
                finished.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delta(String text) {
        send("delta", new Delta(text));
    }

    /** A tool Lisa called has finished: its name and status only, never its address, headers or result. */
    @Override
    public void toolCalled(String name, String status) {
        send("tool", new Tool(name, status));
    }

    record Tool(String name, String status) {}

    /**
     * The turn is stored: {@code done} with the answer, and, when the turn handed the session to a human agent
     * (Lisa called {@code request_human}), {@code handoff} as the stream's last event, so that the app switches the
     * customer over without reading the answer's fields.
     */
    void done(ChatReply reply) {
        send("done", reply);
        if (reply.handoff() != null) {
            send("handoff", reply.handoff());
        }
    }

    void error(Problems.Problem problem) {
        send("error", problem.detail());
    }

    /** Whether the client is known to have gone away (a write failed). */
    boolean clientGone() {
        lock.lock();
        try {
            return gone;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            finished.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes a place unless Lisa's answer has begun. The check and the write happen under the write
     * lock, which every delta needs too: no place is written after a delta.
     */
    private void sendQueued(Queued queued) {
        writing.lock();
        try {
            lock.lock();
            try {
                if (answering || queued.position() == lastPosition) {
                    return;
                }
                lastPosition = queued.position();
            } finally {
                lock.unlock();
            }
            send("queued", queued);
        } finally {
            writing.unlock();
        }
    }

    private void send(String event, Object data) {
        byte[] frame = ("event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        write(frame);
    }

    private void write(byte[] frame) {
        boolean failed = false;
        writing.lock();
        try {
            if (clientGone()) {
                return;
            }
            try {
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                failed = true;
            }
        } finally {
            writing.unlock();
        }
        wrote(failed);
    }

    private void flushHeaders(HttpServletResponse response) {
        boolean failed = false;
        writing.lock();
        try {
            response.flushBuffer();
        } catch (IOException e) {
            failed = true;
        } finally {
            writing.unlock();
        }
        wrote(failed);
    }

    /** After a write: a failed one means the client went away, and a message still waiting leaves the line. */
    private void wrote(boolean failed) {
        boolean leave;
        lock.lock();
        try {
            if (!failed) {
                lastWrite = System.nanoTime();
                return;
            }
            leave = !gone && !answering && place != null;
            gone = true;
            finished.signalAll();
        } finally {
            lock.unlock();
        }
        if (leave) {
            place.leave();
        }
    }

    /** Writes the places the queue pushed, and keep-alives, until the turn is over. */
    private void watch() {
        long keepAlive = settings.keepAlive().toNanos();
        while (true) {
            Queued next;
            boolean idle;
            lock.lock();
            try {
                if (closed || gone) {
                    return;
                }
                long sleep = keepAlive - (System.nanoTime() - lastWrite);
                if (pending == null && sleep > 0) {
                    finished.await(sleep, TimeUnit.NANOSECONDS);
                    if (closed || gone) {
                        return;
                    }
                }
                next = pending;
                pending = null;
                idle = System.nanoTime() - lastWrite >= keepAlive;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (next != null) {
                sendQueued(next);
            } else if (idle) {
                write(KEEP_ALIVE);
            }
        }
    }
}
