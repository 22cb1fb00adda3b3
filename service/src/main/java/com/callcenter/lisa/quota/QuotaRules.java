package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.QuotaLedger.Decision.Wait;
import com.callcenter.lisa.quota.QuotaLedger.Limit;
import com.callcenter.lisa.quota.QuotaLedger.Usage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The arithmetic both ledgers share, as pure functions of one model's record: whether one more request
 * fits, how long it must otherwise wait, and when the k-th next request would go. The in-memory and
 * the database ledger only differ in where the record lives and how it is locked; they decide through
 * these functions, so they cannot decide differently.
 *
 * <p>The window: a request sent at {@code t} occupies {@code [t, t + window)}, so at {@code now} it
 * holds every request with {@code sentAt > now - window}. The window is Gemini's 60 seconds plus a
 * margin for the time a request takes to reach Google: a request decided at {@code t} arrives a
 * little later, and a later one may arrive sooner after its decision. For callers whose clock only moves forward
 * that is {@code (now - 60 s, now]}. Requests stamped after {@code now} (another instance whose clock
 * runs a little ahead) count as well: they occupy the window too, and counting them is what keeps
 * every 60 seconds within budget whatever the order in which the grants were decided.
 *
 * <p>The record is not one entry per request but one {@link Bucket} per second that had requests (per
 * sixtieth of a window shorter than a minute, as a test's short minute has): its
 * count, its input tokens, and the instants of its first and last request. A decision therefore reads
 * at most the ~62 buckets a window touches, however large the budget and however many requests are in
 * the window. What a bucket forgets is when its middle requests were sent; they are taken as sent with
 * its last one (and all its tokens too, when it holds more than one request). That is never earlier than
 * the truth and less than a second later, so every limit holds at least as strictly as with the exact
 * requests, and a wait is at most a second longer than the exact one; with at most one request per
 * second (any budget up to 60 requests/minute spread evenly) the decisions are exactly the exact ones.
 *
 * <p>A request asking for more input tokens than the whole per-minute budget could never fit. It is
 * charged as exactly the whole budget instead, so it goes as soon as no tokens are in the window,
 * alone, rather than waiting forever (Gemini then judges it; the following requests wait until it has
 * left the window, as it is logged with its real size).
 */
final class QuotaRules {

    /** Gemini's minute: how long a request counts against the per-minute budgets at Google. */
    static final Duration WINDOW = Duration.ofSeconds(60);

    /** The rules with Gemini's own window, no margin. */
    static final QuotaRules GEMINI_MINUTE = new QuotaRules(WINDOW);

    /** Gemini's day starts at midnight in this zone. */
    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    private static final long MICROS_PER_SECOND = 1_000_000;

    /** The width of a bucket for Gemini's minute: one second. */
    private static final long SECOND_BUCKET_MICROS = MICROS_PER_SECOND;

    /**
     * The requests of one model sent within one bucket's time, {@code [number, number + 1)} bucket
     * widths after the epoch (one second each with Gemini's minute).
     *
     * @param number      which bucket: epoch microseconds divided by the width, rounded down
     * @param requests    requests granted in it and not released
     * @param inputTokens their input tokens (estimates until corrected by Gemini's counts)
     * @param firstMicros when the earliest of them was sent, in epoch microseconds; after a release it
     *                    may be moved to {@code lastMicros}, never earlier
     * @param lastMicros  when the latest of them was sent, in epoch microseconds
     */
    record Bucket(long number, int requests, long inputTokens, long firstMicros, long lastMicros) {

        /** This bucket with one more request of {@code tokens} sent at {@code micros} (within its time). */
        Bucket plus(long tokens, long micros) {
            return requests <= 0
                    ? new Bucket(number, 1, inputTokens + tokens, micros, micros)
                    : new Bucket(
                            number,
                            requests + 1,
                            inputTokens + tokens,
                            Math.min(firstMicros, micros),
                            Math.max(lastMicros, micros));
        }

        /**
         * This bucket without one request of {@code tokens} sent at {@code micros}. If that was its
         * first, which of the others is now first is unknown: they are all taken as sent with the last.
         */
        Bucket minus(long tokens, long micros) {
            int left = Math.max(0, requests - 1);
            long first = micros == firstMicros || left <= 1 ? lastMicros : firstMicros;
            return new Bucket(number, left, Math.max(0, inputTokens - tokens), first, lastMicros);
        }
    }

    /** A share of a bucket that leaves the window at one instant: how the rules see the record. */
    private record Slice(Instant sentAt, int requests, long inputTokens) {}

    /** How long a request counts here: Gemini's minute, plus any margin for the time it takes to get there. */
    private final Duration window;
    /**
     * The time one bucket covers: a second for a window of a minute or more; a sixtieth of a shorter
     * window (a test's short minute), so that a window always spans ~62 buckets and a bucket's
     * rounding stays a sixtieth of it.
     */
    private final long bucketMicros;

    QuotaRules(Duration window) {
        this(window, WINDOW);
    }

    /**
     * @param geminiMinute the upstream's own window: {@link #WINDOW} at Google, shorter only against the
     *                     project's emulator started with a short minute (the same constructor as on the
     *                     testloop branch, which makes that minute configurable)
     */
    QuotaRules(Duration window, Duration geminiMinute) {
        if (window.compareTo(geminiMinute) < 0) {
            throw new IllegalArgumentException("The window cannot be shorter than Gemini's minute ("
                    + geminiMinute.toSeconds() + " s): " + window);
        }
        this.window = window;
        this.bucketMicros = bucketMicros(window);
    }

    /** A sixtieth of the window in whole milliseconds, at most a second and at least a millisecond. */
    static long bucketMicros(Duration window) {
        if (window.compareTo(WINDOW) >= 0) {
            return SECOND_BUCKET_MICROS;
        }
        return Math.max(1, window.toMillis() / 60) * 1_000;
    }

    Duration window() {
        return window;
    }

    /** The time one bucket covers. */
    Duration bucketWidth() {
        return Duration.of(bucketMicros, ChronoUnit.MICROS);
    }

    /** The bucket of a request sent at {@code micros} (epoch microseconds). */
    long bucketOf(long micros) {
        return Math.floorDiv(micros, bucketMicros);
    }

    /**
     * The oldest bucket that can still hold a request of the window at {@code now}: earlier buckets can
     * be left out of a read (and forgotten, by a caller whose time only moves forward).
     */
    long firstBucket(Instant now) {
        return bucketOf(micros(now.minus(window)));
    }

    /**
     * Whether a request of {@code inputTokens} may be sent at {@code now}.
     *
     * @param buckets       the model's buckets in order of {@code number}; those that left the window
     *                      are ignored, so the caller may pass more
     * @param requestsToday requests already sent on {@code now}'s Pacific day
     * @return empty if every budget allows it; otherwise the wait after which it would be allowed if
     *         nothing else were sent meanwhile, with the limit that holds it back longest
     */
    Optional<Wait> check(ModelBudget budget, List<Bucket> buckets, int requestsToday, long inputTokens, Instant now) {
        requireValid(budget);
        requireTokens(inputTokens);
        return checkWindow(budget, inWindow(slices(buckets), now), requestsToday, inputTokens, now);
    }

    private Optional<Wait> checkWindow(
            ModelBudget budget, List<Slice> inWindow, int requestsToday, long inputTokens, Instant now) {
        Wait longest = null;

        int rpm = budget.requestsPerMinute();
        if (rpm > 0) {
            long count = 0;
            for (Slice slice : inWindow) {
                count += slice.requests();
            }
            // This one would be number count + 1: the oldest count - rpm + 1 must leave first.
            long leaving = count - rpm + 1;
            for (int i = 0; leaving > 0; i++) {
                leaving -= inWindow.get(i).requests();
                if (leaving <= 0) {
                    longest = longer(longest, leaves(inWindow.get(i), now), Limit.REQUESTS_PER_MINUTE);
                }
            }
        }

        long tpm = budget.inputTokensPerMinute();
        if (tpm > 0) {
            long cost = Math.min(inputTokens, tpm);
            long used = 0;
            for (Slice slice : inWindow) {
                used += slice.inputTokens();
            }
            // Oldest first, drop slices until the rest plus this request fit; since cost <= tpm this
            // ends at the latest with an empty window.
            int leaving = 0;
            while (used + cost > tpm) {
                used -= inWindow.get(leaving).inputTokens();
                leaving++;
            }
            if (leaving > 0) {
                longest = longer(longest, leaves(inWindow.get(leaving - 1), now), Limit.INPUT_TOKENS_PER_MINUTE);
            }
        }

        int rpd = budget.requestsPerDay();
        if (rpd > 0 && requestsToday >= rpd) {
            longest = longer(longest, Duration.between(now, nextPacificMidnight(now)), Limit.REQUESTS_PER_DAY);
        }
        return Optional.ofNullable(longest);
    }

    /**
     * Whether {@code count} more requests of {@code inputTokens} would all be granted at once, judged
     * from the window's totals alone (as {@link #usage} counts them). Exactly {@link #check}'s verdict
     * for {@code count = 1}, and {@link #estimateWait} is zero exactly when it holds for
     * {@code count = position}; when it does not hold, ask those for the wait.
     */
    boolean fitAtOnce(
            ModelBudget budget,
            long requestsInWindow,
            long tokensInWindow,
            int requestsToday,
            long inputTokens,
            int count) {
        requireValid(budget);
        requireTokens(inputTokens);
        if (count < 1) {
            throw new IllegalArgumentException("position starts at 1, was " + count);
        }
        int rpm = budget.requestsPerMinute();
        long tpm = budget.inputTokensPerMinute();
        int rpd = budget.requestsPerDay();
        return (rpm == 0 || requestsInWindow + count <= rpm)
                && (tpm == 0 || tokensInWindow + count * Math.min(inputTokens, tpm) <= tpm)
                && (rpd == 0 || (long) requestsToday + count <= rpd);
    }

    /**
     * How long until the {@code position}-th of that many back-to-back requests of {@code inputTokens}
     * would be granted, nobody else asking: each is tried at the moment its predecessor went and, if
     * told to wait, tried again after exactly that wait, just as a caller of the ledger would, and is
     * recorded in its second's bucket as the ledger would record it.
     *
     * @param buckets       as for {@link #check}; not modified
     * @param requestsToday as for {@link #check}; a later Pacific day starts with none
     */
    Duration estimateWait(
            ModelBudget budget, List<Bucket> buckets, int requestsToday, int position, long inputTokens, Instant now) {
        if (position < 1) {
            throw new IllegalArgumentException("position starts at 1, was " + position);
        }
        requireValid(budget);
        requireTokens(inputTokens);
        List<Bucket> simulated = new ArrayList<>(buckets);
        Instant at = now;
        LocalDate day = pacificDay(now);
        int today = requestsToday;
        for (int granted = 0; granted < position; granted++) {
            Optional<Wait> wait;
            while ((wait = checkWindow(budget, inWindow(slices(simulated), at), today, inputTokens, at)).isPresent()) {
                if (!wait.get().after().isPositive()) {
                    // check never asks for no wait; if it ever did, this loop would never end.
                    throw new IllegalStateException("Told to wait " + wait.get().after() + " at " + at);
                }
                at = at.plus(wait.get().after());
                if (!pacificDay(at).equals(day)) {
                    day = pacificDay(at);
                    today = 0;
                }
            }
            add(simulated, inputTokens, micros(at));
            today++;
            // Keeps each step proportional to the buckets of one window, not to the position.
            long first = firstBucket(at);
            simulated.removeIf(bucket -> bucket.number() < first);
        }
        return Duration.between(now, at);
    }

    /** What the buckets hold in the window at {@code now}, and today's count as given. */
    Usage usage(List<Bucket> buckets, int requestsToday, Instant now) {
        long requests = 0;
        long tokens = 0;
        for (Slice slice : inWindow(slices(buckets), now)) {
            requests += slice.requests();
            tokens += slice.inputTokens();
        }
        return new Usage(Math.toIntExact(requests), tokens, requestsToday);
    }

    /**
     * Records one more request of {@code inputTokens} sent at {@code micros} in a list of buckets
     * ordered by number: into its bucket, or a new one in its place.
     */
    void add(List<Bucket> buckets, long inputTokens, long micros) {
        long number = bucketOf(micros);
        int index = buckets.size();
        while (index > 0 && buckets.get(index - 1).number() > number) {
            index--;
        }
        if (index > 0 && buckets.get(index - 1).number() == number) {
            buckets.set(index - 1, buckets.get(index - 1).plus(inputTokens, micros));
        } else {
            buckets.add(index, new Bucket(number, 0, 0, micros, micros).plus(inputTokens, micros));
        }
    }

    /**
     * The buckets as the rules see them, oldest first: a bucket's first request when it has several,
     * without tokens, then the rest of it, with all its tokens, at its last request.
     */
    private static List<Slice> slices(List<Bucket> buckets) {
        List<Slice> slices = new ArrayList<>(buckets.size() + 8);
        for (Bucket bucket : buckets) {
            if (bucket.requests() >= 2) {
                slices.add(new Slice(instant(bucket.firstMicros()), 1, 0));
                slices.add(new Slice(instant(bucket.lastMicros()), bucket.requests() - 1, bucket.inputTokens()));
            } else if (bucket.requests() == 1 || bucket.inputTokens() > 0) {
                slices.add(new Slice(instant(bucket.lastMicros()), bucket.requests(), bucket.inputTokens()));
            }
        }
        return slices;
    }

    /** The slices still in the window at {@code now}. */
    private List<Slice> inWindow(List<Slice> slices, Instant now) {
        Instant start = now.minus(window);
        int first = 0;
        while (first < slices.size() && !slices.get(first).sentAt().isAfter(start)) {
            first++;
        }
        return slices.subList(first, slices.size());
    }

    /** Epoch microseconds of an instant, rounded down: what both databases store of a timestamp. */
    static long micros(Instant instant) {
        return Math.addExact(
                Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND), instant.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    static LocalDate pacificDay(Instant instant) {
        return instant.atZone(PACIFIC).toLocalDate();
    }

    /** Midnight in Los Angeles starting that day: 07:00 or 08:00 UTC depending on daylight saving. */
    static Instant startOfPacificDay(LocalDate day) {
        return day.atStartOfDay(PACIFIC).toInstant();
    }

    static Instant nextPacificMidnight(Instant now) {
        return startOfPacificDay(pacificDay(now).plusDays(1));
    }

    static void requireValid(ModelBudget budget) {
        if (budget.requestsPerMinute() < 0 || budget.inputTokensPerMinute() < 0 || budget.requestsPerDay() < 0) {
            throw new IllegalArgumentException("A budget cannot be negative: " + budget);
        }
    }

    static void requireTokens(long inputTokens) {
        if (inputTokens < 0) {
            throw new IllegalArgumentException("Input tokens cannot be negative: " + inputTokens);
        }
    }

    private Duration leaves(Slice slice, Instant now) {
        return Duration.between(now, slice.sentAt().plus(window));
    }

    private static Wait longer(Wait current, Duration after, Limit limit) {
        return current == null || after.compareTo(current.after()) > 0 ? new Wait(after, limit) : current;
    }
}
