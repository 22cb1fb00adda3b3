package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.quota.QuotaLedger.Limit;
import com.callcenter.lisa.quota.QuotaLedger.Usage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The contract on the in-memory ledger, plus what only it has: a bounded heap and its own time order. */
class InMemoryQuotaLedgerTest extends QuotaLedgerContract {

    @Override
    QuotaLedger ledger() {
        return new InMemoryQuotaLedger();
    }

    @Override
    QuotaLedger ledgerWithWindow(Duration window) {
        return new InMemoryQuotaLedger(new QuotaRules(window));
    }

    /** A race inside one model's few microseconds of work needs many tries to show. */
    @Override
    int concurrentRounds() {
        return 2_000;
    }

    /**
     * Three simulated hours of ten requests a second keep no more than the buckets of the last minute
     * (61 or 62 seconds touch the window). The requests are counted exactly; the tokens of the one that
     * left the window just now (sent at the very start of its second) still count with its bucket's
     * last request: conservative, by less than a second.
     */
    @Test
    void theLogKeepsOnlyTheBucketsOfTheLastMinute() {
        InMemoryQuotaLedger inMemory = new InMemoryQuotaLedger();
        ModelBudget budget = new ModelBudget(0, 0, 0);
        int maxRetained = 0;
        Instant now = T0;
        for (int request = 0; request < 3 * 3_600 * 10; request++) {
            now = now.plusMillis(100);
            assertGranted(inMemory.tryAcquire(model, budget, 50, now));
            maxRetained = Math.max(maxRetained, inMemory.retained(model));
        }
        assertThat(maxRetained).isEqualTo(61);
        assertThat(inMemory.usage(model, now)).isEqualTo(new Usage(600, 30_050, 3 * 3_600 * 10));
        assertThat(inMemory.retained(model)).isBetween(60, 61);
        // The last request was sent at the very start of its second: a minute later, its bucket is the
        // one a request sent later in that second would still be in; one second more and it is gone.
        inMemory.usage(model, now.plus(Duration.ofMinutes(1)));
        assertThat(inMemory.retained(model)).isOne();
        inMemory.usage(model, now.plus(Duration.ofSeconds(61)));
        assertThat(inMemory.retained(model)).isZero();
    }

    /**
     * Threads read the clock before they get the lock, so an older reading can arrive after a newer
     * one that already dropped the log's oldest entries. It is judged at the newer instant instead of
     * slipping into a minute that is already full.
     */
    @Test
    void aLateCallerWithAnOlderClockReadingIsJudgedAtTheLatestInstant() {
        ModelBudget budget = new ModelBudget(2, 0, 0);
        assertGranted(acquire(budget, 1, seconds(0)));
        assertGranted(acquire(budget, 1, seconds(30)));
        ledger.usage(model, seconds(65)); // drops the request of 0 s

        // At 50 s the window (-10 s, 50 s] is full; at 65 s there is room, and that is when it counts.
        assertGranted(acquire(budget, 1, seconds(50)));
        assertThat(ledger.usage(model, seconds(65)).requestsLastMinute()).isEqualTo(2);
        assertWait(acquire(budget, 1, seconds(65)), Duration.ofSeconds(25), Limit.REQUESTS_PER_MINUTE);
        // Recorded at 65 s, it is still in the window at 111 s; recorded at 50 s, it would have left at
        // 110 s, and (-10 s, 50 s] would have held three requests.
        assertThat(ledger.usage(model, seconds(111)).requestsLastMinute()).isEqualTo(1);
    }
}
