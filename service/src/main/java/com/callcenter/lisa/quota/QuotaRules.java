package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.QuotaLedger.Decision.Wait;
import com.callcenter.lisa.quota.QuotaLedger.Limit;
import com.callcenter.lisa.quota.QuotaLedger.Usage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The arithmetic both ledgers share, as pure functions of one model's log: whether one more request
 * fits, how long it must otherwise wait, and when the k-th next request would go. The in-memory and
 * the database ledger only differ in where the log lives and how it is locked; they decide through
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

    /** One request in a model's log. */
    record Dispatch(long id, Instant sentAt, long inputTokens) {
    }

    /** How long a request counts here: Gemini's minute, plus any margin for the time it takes to get there. */
    private final Duration window;

    QuotaRules(Duration window) {
        this(window, WINDOW);
    }

    /** @param geminiMinute the upstream's own window, {@link #WINDOW} at Google (see {@link GeminiMinuteProperties}) */
    QuotaRules(Duration window, Duration geminiMinute) {
        if (window.compareTo(geminiMinute) < 0) {
            throw new IllegalArgumentException("The window cannot be shorter than Gemini's minute ("
                    + geminiMinute.toSeconds() + " s): " + window);
        }
        this.window = window;
    }

    Duration window() {
        return window;
    }

    /**
     * Whether a request of {@code inputTokens} may be sent at {@code now}.
     *
     * @param log           the model's requests in order of {@code sentAt}; those that left the window
     *                      are ignored, so the caller may pass more
     * @param requestsToday requests already sent on {@code now}'s Pacific day
     * @return empty if every budget allows it; otherwise the exact wait after which it would be allowed
     *         if nothing else were sent meanwhile, with the limit that holds it back longest
     */
    Optional<Wait> check(ModelBudget budget, List<Dispatch> log, int requestsToday, long inputTokens,
                                Instant now) {
        requireValid(budget);
        requireTokens(inputTokens);
        List<Dispatch> inWindow = window(log, now);
        Wait longest = null;

        int rpm = budget.requestsPerMinute();
        if (rpm > 0 && inWindow.size() >= rpm) {
            // This one would be number size + 1: the oldest size - rpm + 1 must leave first, the last of
            // them (ties leave together) being window[size - rpm].
            longest = longer(longest, leaves(inWindow.get(inWindow.size() - rpm), now), Limit.REQUESTS_PER_MINUTE);
        }

        long tpm = budget.inputTokensPerMinute();
        if (tpm > 0) {
            long cost = Math.min(inputTokens, tpm);
            long used = 0;
            for (Dispatch dispatch : inWindow) {
                used += dispatch.inputTokens();
            }
            // Oldest first, drop entries until the rest plus this request fit; since cost <= tpm this
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
     * from the window's totals alone. Exactly {@link #check}'s verdict for {@code count = 1}, and
     * {@link #estimateWait} is zero exactly when it holds for {@code count = position}; when it does
     * not hold, ask those with the log. Lets a ledger skip reading its log while the budgets are far
     * from their limits, which is nearly always.
     */
    boolean fitAtOnce(ModelBudget budget, int requestsInWindow, long tokensInWindow, int requestsToday,
                      long inputTokens, int count) {
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
                && (rpd == 0 || requestsToday + count <= rpd);
    }

    /**
     * How long until the {@code position}-th of that many back-to-back requests of {@code inputTokens}
     * would be granted, nobody else asking: each is tried at the moment its predecessor went and, if
     * told to wait, tried again after exactly that wait, just as a caller of the ledger would.
     *
     * @param log           as for {@link #check}; not modified
     * @param requestsToday as for {@link #check}; a later Pacific day starts with none
     */
    Duration estimateWait(ModelBudget budget, List<Dispatch> log, int requestsToday, int position,
                                 long inputTokens, Instant now) {
        if (position < 1) {
            throw new IllegalArgumentException("position starts at 1, was " + position);
        }
        List<Dispatch> simulated = new ArrayList<>(window(log, now));
        Instant at = now;
        LocalDate day = pacificDay(now);
        int today = requestsToday;
        for (int granted = 0; granted < position; granted++) {
            Optional<Wait> wait;
            while ((wait = check(budget, simulated, today, inputTokens, at)).isPresent()) {
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
            insertInOrder(simulated, new Dispatch(-1 - granted, at, inputTokens));
            today++;
            // Keeps each step proportional to the budget, not to the position.
            simulated.subList(0, firstInWindow(simulated, at)).clear();
        }
        return Duration.between(now, at);
    }

    /** What the log holds in the window at {@code now}, and today's count as given. */
    Usage usage(List<Dispatch> log, int requestsToday, Instant now) {
        List<Dispatch> inWindow = window(log, now);
        long tokens = 0;
        for (Dispatch dispatch : inWindow) {
            tokens += dispatch.inputTokens();
        }
        return new Usage(inWindow.size(), tokens, requestsToday);
    }

    /** The part of an ordered log that is in the window at {@code now}. */
    List<Dispatch> window(List<Dispatch> log, Instant now) {
        return log.subList(firstInWindow(log, now), log.size());
    }

    /** Index of the first entry of an ordered log that is still in the window at {@code now}. */
    int firstInWindow(List<Dispatch> log, Instant now) {
        Instant start = now.minus(window);
        int first = 0;
        while (first < log.size() && !log.get(first).sentAt().isAfter(start)) {
            first++;
        }
        return first;
    }

    /** Adds to a log ordered by {@code sentAt}, after any entry stamped at the same instant. */
    static void insertInOrder(List<Dispatch> log, Dispatch dispatch) {
        int index = log.size();
        while (index > 0 && log.get(index - 1).sentAt().isAfter(dispatch.sentAt())) {
            index--;
        }
        log.add(index, dispatch);
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

    private Duration leaves(Dispatch dispatch, Instant now) {
        return Duration.between(now, dispatch.sentAt().plus(window));
    }

    private static Wait longer(Wait current, Duration after, Limit limit) {
        return current == null || after.compareTo(current.after()) > 0 ? new Wait(after, limit) : current;
    }
}
