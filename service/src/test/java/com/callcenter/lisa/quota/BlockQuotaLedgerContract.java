package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.quota.QuotaLedger.Decision;
import com.callcenter.lisa.quota.QuotaLedger.Decision.Granted;
import com.callcenter.lisa.quota.QuotaLedger.Decision.Wait;
import com.callcenter.lisa.quota.QuotaLedger.Limit;
import com.callcenter.lisa.quota.QuotaLedger.Usage;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database ledger asked for quota in blocks ({@link BlockQuotaLedger}): the whole ledger contract (near a limit,
 * and for a model used once, a block is a single request decided exactly as without blocks), and what blocks add:
 * a busy instance asks the database once per block, gives back what it did not use, and instances sharing a budget
 * never put more than it into any 60 seconds of real sending.
 */
abstract class BlockQuotaLedgerContract extends QuotaLedgerContract implements LedgerDatabase {

    /** Far from any limit: blocks as large as they get. */
    static final ModelBudget ROOMY = new ModelBudget(1_000_000, 1_000_000_000L, 0);

    @RegisterExtension
    final ClassDatabase classDatabase = new ClassDatabase(this);

    @Override
    QuotaLedger ledger() {
        return blocksOn(classDatabase.dataSource(), QuotaRules.GEMINI_MINUTE);
    }

    @Override
    QuotaLedger ledgerWithWindow(Duration window) {
        return blocksOn(classDatabase.dataSource(), new QuotaRules(window));
    }

    static BlockQuotaLedger blocksOn(DataSource dataSource, QuotaRules rules) {
        return new BlockQuotaLedger(
                new DatabaseQuotaLedger(
                        JdbcClient.create(dataSource),
                        new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                        rules),
                rules,
                32);
    }

    BlockQuotaLedger blocks() {
        return (BlockQuotaLedger) ledger;
    }

    /** The record as the database holds it now, blocks in hand included: what the other instances are decided on. */
    Usage stored(Instant at) {
        return blocks().database().usage(model, at);
    }

    /**
     * Each block asks for twice what the previous one handed out (1, 2, 4, 8, ...): a busy model's requests cost the
     * database one call per block. The database holds a block's requests until they are given back, and only then
     * shows what was really taken.
     */
    @Test
    void aBusyModelTakesGrowingBlocksAndGivesBackWhatItDidNotUse() {
        Instant at = T0;
        for (int request = 1; request <= 7; request++) {
            assertGranted(acquire(ROOMY, 10, at));
            at = at.plusMillis(10);
        }
        // Blocks of 1, 2 and 4, all used up: the database holds exactly the 7 requests.
        assertThat(stored(at)).isEqualTo(new Usage(7, 70, 7));
        assertGranted(acquire(ROOMY, 10, at)); // the first of a block of 8
        assertThat(stored(at).requestsLastMinute()).isEqualTo(15);
        assertThat(stored(at).requestsToday()).isEqualTo(15);
        for (int request = 2; request <= 8; request++) {
            assertGranted(acquire(ROOMY, 10, at)); // no call to the database needed: the 8 are in hand
        }
        assertThat(stored(at).requestsLastMinute()).isEqualTo(15);
        assertGranted(acquire(ROOMY, 10, at)); // the first of a block of 16
        assertThat(stored(at).requestsLastMinute()).isEqualTo(31);
        // usage() gives everything back first: 16 taken, 16 counted, and so for the other instances too.
        assertThat(ledger.usage(model, at)).isEqualTo(new Usage(16, 160, 16));
        assertThat(stored(at)).isEqualTo(new Usage(16, 160, 16));
    }

    /**
     * Sixteen callers at once: one of them asks the database for the next block while the others wait for it and
     * take from it, so blocks are fetched one at a time, each as large as the last one's use allows (1, 2, 4, 8,
     * 16): at most 31 requests held, none left without a slot.
     */
    @Test
    void callersAtOnceWaitForOneFetchInsteadOfEachFetchingABlock() throws Exception {
        int callers = 16;
        Phaser together = new Phaser(callers);
        List<Future<Decision>> decisions = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                decisions.add(threads.submit(() -> {
                    together.arriveAndAwaitAdvance();
                    return acquire(ROOMY, 10, T0);
                }));
            }
        }
        Set<Long> ids = new HashSet<>();
        for (Future<Decision> decision : decisions) {
            ids.add(assertGranted(decision.get()));
        }
        assertThat(ids).hasSize(callers);
        assertThat(stored(T0).requestsLastMinute()).isBetween(callers, 31);
        assertThat(ledger.usage(model, T0)).isEqualTo(new Usage(callers, 10L * callers, callers));
    }

    /** A block not used up within its time (a bucket's width) is given back even if no request of its model follows. */
    @Test
    void aBlockNotUsedInItsTimeIsGivenBackWithoutAnotherRequest() {
        Instant at = T0;
        for (int request = 1; request <= 4; request++) {
            assertGranted(acquire(ROOMY, 10, at)); // blocks of 1, 2 and the first of 2 more
        }
        assertThat(stored(at).requestsLastMinute()).isEqualTo(7);
        blocks().giveBackExpired(at.plusMillis(999)); // still in its time: kept
        assertThat(stored(at).requestsLastMinute()).isEqualTo(7);
        blocks().giveBackExpired(at.plus(blocks().lifetime()));
        assertThat(stored(at)).isEqualTo(new Usage(4, 40, 4));
        // A request after that takes a new block, and nothing is given back twice.
        assertGranted(acquire(ROOMY, 10, at.plusSeconds(2)));
        assertThat(ledger.usage(model, at.plusSeconds(2))).isEqualTo(new Usage(5, 50, 5));
    }

    /** Gemini's counts and releases reach the database with the next call, not one call each. */
    @Test
    void correctionsAndReleasesRideWithTheNextCall() {
        Instant at = T0;
        long first = assertGranted(acquire(ROOMY, 100, at)); // a block of 1
        long second = assertGranted(acquire(ROOMY, 100, at)); // a block of 2
        ledger.correct(model, first, 60);
        ledger.release(model, second);
        assertThat(stored(at)).isEqualTo(new Usage(3, 300, 3)); // not yet: owed
        assertGranted(acquire(ROOMY, 100, at)); // the second of the block of 2; still no call
        assertThat(stored(at)).isEqualTo(new Usage(3, 300, 3));
        assertGranted(acquire(ROOMY, 100, at)); // a new block (of 4), with what was owed
        assertThat(stored(at).requestsLastMinute()).isEqualTo(3 - 1 + 4);
        assertThat(stored(at).inputTokensLastMinute()).isEqualTo(300 - 40 - 100 + 400);
        assertThat(ledger.usage(model, at)).isEqualTo(new Usage(3, 260, 3));
    }

    /**
     * A block is never more than 1/16 of what is left of any budget: with 1,000 requests a minute, a busy instance
     * still asks for 32, gets at most 62; with 100 a day, one block of at most 6; close to a limit, single requests.
     */
    @Test
    void aBlockIsASmallShareOfWhatIsLeft() {
        Instant at = T0;
        ModelBudget day = new ModelBudget(0, 0, 100);
        for (int request = 1; request <= 7; request++) {
            assertGranted(acquire(day, 1, at)); // blocks of 1, 2 and 4 asked; 100 - 3 = 97 left, 97/16 = 6
        }
        assertThat(stored(at).requestsToday()).isEqualTo(1 + 2 + 4);
        assertGranted(acquire(day, 1, at)); // asks 8, gets (100 - 7)/16 = 5
        assertThat(stored(at).requestsToday()).isEqualTo(7 + 5);
        // Near the end of the day's budget every block is a single request, and the last one is the 100th.
        int granted = 8;
        while (acquire(day, 1, at) instanceof Granted) {
            granted++;
        }
        assertThat(granted).isEqualTo(100);
        assertThat(ledger.usage(model, at).requestsToday()).isEqualTo(100);
    }

    /**
     * Two instances on one database, each handing out blocks to its requests at random moments, in bursts and
     * lulls, with Gemini's counts correcting estimates and some requests released: in no 60 seconds of real
     * sending are there more requests than the budget, nor more tokens (as each request was finally counted); and
     * blocks do not starve the budget: most of it is used.
     */
    @Test
    void instancesSharingABudgetInBlocksNeverSendMoreThanItInAnySixtySeconds() {
        ModelBudget budget = new ModelBudget(600, 60_000, 0);
        Random random = new Random(20261130);
        try (HikariDataSource own = pool(classDatabase.dataSource().getJdbcUrl())) {
            List<BlockQuotaLedger> instances = List.of(
                    blocksOn(own, QuotaRules.GEMINI_MINUTE),
                    blocksOn(classDatabase.dataSource(), QuotaRules.GEMINI_MINUTE));
            List<Sent> sent = new ArrayList<>();
            Instant now = T0;
            Instant end = T0.plusSeconds(240);
            while (now.isBefore(end)) {
                // Bursts (many requests a millisecond apart) and lulls (up to two seconds).
                now = now.plusMillis(random.nextInt(100) < 95 ? 1 + random.nextInt(5) : random.nextInt(2_000));
                BlockQuotaLedger instance = instances.get(random.nextInt(2));
                int tokens = 20 + random.nextInt(180);
                Decision decision = instance.tryAcquire(model, budget, tokens, now);
                if (decision instanceof Wait wait) {
                    assertThat(wait.after()).isPositive();
                    assertThat(wait.limit()).isIn(Limit.REQUESTS_PER_MINUTE, Limit.INPUT_TOKENS_PER_MINUTE);
                    continue;
                }
                long id = ((Granted) decision).id();
                int chance = random.nextInt(10);
                if (chance == 0) {
                    instance.release(model, id); // refused by Gemini with a 429: not counted there
                } else {
                    int actual = chance < 5 ? tokens : Math.max(1, tokens + random.nextInt(41) - 20);
                    // Gemini's count can be a little above the estimate; the budget is checked on what was
                    // decided (the estimate), as Gemini's 429 guards the rest.
                    instance.correct(model, id, Math.min(actual, tokens));
                    sent.add(new Sent(now, Math.min(actual, tokens)));
                }
                if (random.nextInt(50) == 0) {
                    instance.giveBackExpired(now);
                }
            }
            int most = 0;
            long mostTokens = 0;
            for (int i = 0, first = 0; i < sent.size(); i++) {
                while (!sent.get(first).at().isAfter(sent.get(i).at().minus(QuotaRules.WINDOW))) {
                    first++;
                }
                most = Math.max(most, i - first + 1);
                long tokens = 0;
                for (int j = first; j <= i; j++) {
                    tokens += sent.get(j).tokens();
                }
                mostTokens = Math.max(mostTokens, tokens);
            }
            assertThat(most).isLessThanOrEqualTo(budget.requestsPerMinute());
            assertThat(mostTokens).isLessThanOrEqualTo(budget.inputTokensPerMinute());
            // Four minutes at full pressure: blocks held and given back still leave most of the budget used.
            assertThat(sent.size()).isGreaterThan(4 * budget.requestsPerMinute() * 8 / 10);
        }
    }

    /**
     * As the contract's, except that a block's requests count from the end of its time (a bucket's width after its
     * grant): a wait may be up to that much longer than the exact one, never shorter, and it is granted at its end.
     */
    @Override
    @Test
    void aBusyWindowIsDecidedFromItsSecondsNotItsRequests() {
        ModelBudget budget = busyWindow();
        Wait wait = (Wait) acquire(budget, 1, seconds(20));
        assertThat(wait.after())
                .isBetween(Duration.ofSeconds(40), Duration.ofSeconds(40).plus(blocks().lifetime()));
        assertThat(acquire(budget, 1, seconds(20).plus(wait.after()).minusMillis(1)))
                .isInstanceOf(Wait.class);
        assertGranted(acquire(budget, 1, seconds(20).plus(wait.after())));
    }

    private record Sent(Instant at, long tokens) {}
}
