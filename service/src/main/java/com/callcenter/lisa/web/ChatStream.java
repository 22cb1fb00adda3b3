package com.callcenter.lisa.web;

import com.callcenter.lisa.chat.TurnObserver;
import com.callcenter.lisa.quota.QueuePlace;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * One streamed turn as server-sent events: {@code queued} while it waits for quota, {@code delta} for
 * each piece of the reply, then {@code done} or {@code error}. A watcher thread sends {@code queued}
 * when the place in the queue moves and a comment when the stream has been idle for the keep-alive
 * interval; a write that fails means the client went away, and a request still waiting then leaves
 * the queue without spending quota. Once Gemini is being asked, the turn completes regardless.
 */
final class ChatStream implements TurnObserver, AutoCloseable {

    record Queued(int position, long estimatedWaitMs) {
    }

    record Delta(String text) {
    }

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final JsonMapper json;
    private final WebProperties.Stream settings;
    private final QueuePlace place;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private final Thread watcher;
    private boolean answering;
    private boolean gone;
    private boolean closed;
    private long lastWrite = System.nanoTime();
    private int lastPosition = Integer.MAX_VALUE;

    private ChatStream(OutputStream out, JsonMapper json, WebProperties.Stream settings, QueuePlace place) {
        this.out = out;
        this.json = json;
        this.settings = settings;
        this.place = place;
        this.watcher = Thread.ofVirtual().name("chat-stream-watcher").unstarted(this::watch);
    }

    /** Commits a 200 event stream; tells a client that has to wait its place at once. */
    static ChatStream open(HttpServletResponse response, JsonMapper json, WebProperties.Stream settings,
                           Optional<QueuePlace> place) {
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
                .ifPresent(p -> p.position().ifPresent(position -> stream.queued(position, p.arrivalEstimate())));
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
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delta(String text) {
        send("delta", new Delta(text));
    }

    void done(ChatReply reply) {
        send("done", reply);
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

    private void queued(int position, Duration estimatedWait) {
        lastPosition = position;
        send("queued", new Queued(position, estimatedWait.toMillis()));
    }

    private void send(String event, Object data) {
        byte[] frame = ("event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        write(frame);
    }

    private void write(byte[] frame) {
        boolean leave;
        lock.lock();
        try {
            if (gone) {
                return;
            }
            try {
                out.write(frame);
                out.flush();
                lastWrite = System.nanoTime();
                return;
            } catch (IOException e) {
                gone = true;
                leave = !answering && place != null;
            }
        } finally {
            lock.unlock();
        }
        if (leave) {
            place.leave();
        }
    }

    private void flushHeaders(HttpServletResponse response) {
        lock.lock();
        try {
            response.flushBuffer();
        } catch (IOException e) {
            gone = true;
        } finally {
            lock.unlock();
        }
        if (clientGone() && place != null) {
            place.leave();
        }
    }

    /** Sends queue moves and keep-alives until the turn is over. */
    private void watch() {
        long keepAlive = settings.keepAlive().toNanos();
        while (true) {
            boolean waiting;
            lock.lock();
            try {
                if (closed || gone) {
                    return;
                }
                waiting = place != null && !answering;
                long idle = System.nanoTime() - lastWrite;
                long sleep = waiting ? Math.min(settings.positionCheck().toNanos(), keepAlive - idle) : keepAlive - idle;
                if (sleep > 0) {
                    finished.await(sleep, TimeUnit.NANOSECONDS);
                    if (closed) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (waiting) {
                // Empty once the request was sent to Gemini. Positions only go down on the client's
                // screen: a retry of an earlier request going back to the front of the queue does not
                // push this one back visibly.
                OptionalInt position = place.position();
                if (position.isPresent() && position.getAsInt() < lastPosition) {
                    queued(position.getAsInt(), place.estimatedWait(position.getAsInt()));
                }
            }
            keepAliveIfIdle(keepAlive);
        }
    }

    private void keepAliveIfIdle(long keepAlive) {
        boolean idle;
        lock.lock();
        try {
            idle = System.nanoTime() - lastWrite >= keepAlive;
        } finally {
            lock.unlock();
        }
        if (idle) {
            write(KEEP_ALIVE);
        }
    }
}
