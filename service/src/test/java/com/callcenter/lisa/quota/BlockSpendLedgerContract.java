package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The spend ledger charged in blocks ({@link BlockSpendLedger}): the whole spend contract (near the budget a block is
 * a single charge, decided as without blocks), and what blocks add: one database charge per block, what was not used
 * given back, and instances sharing the budget never charging more than it in any 10 minutes.
 */
abstract class BlockSpendLedgerContract extends SpendLedgerContract implements LedgerDatabase {

    @RegisterExtension
    final ClassDatabase classDatabase = new ClassDatabase(this);

    @Override
    SpendLedger ledger() {
        return blocksOn(classDatabase.dataSource());
    }

    static BlockSpendLedger blocksOn(DataSource dataSource) {
        return new BlockSpendLedger(DatabaseSpendLedgerContract.ledgerOn(dataSource), Duration.ofSeconds(1), 32);
    }

    /** Blocks of 1, 2, 4 and 8 charges: the database holds the block in hand until it is given back. */
    @Test
    void aBusyInstanceChargesGrowingBlocksAndGivesBackWhatItDidNotUse() {
        BlockSpendLedger ledger = blocksOn(classDatabase.dataSource());
        Instant t = day();
        long budget = 1_000_000_000;
        for (int call = 1; call <= 8; call++) {
            granted(ledger.tryCharge(budget, 100, t)); // blocks of 1, 2 and 4, then the first of 8
        }
        assertThat(ledger.database().spentMicros(t)).isEqualTo(100L * (1 + 2 + 4 + 8));
        assertThat(ledger.spentMicros(t)).isEqualTo(800); // gave back the 7 not used
        assertThat(ledger.database().spentMicros(t)).isEqualTo(800);
        // A correction rides along with the next block; an expired block is given back without a call.
        // The last block served one charge: the next holds two.
        SpendLedger.Charge charge = granted(ledger.tryCharge(budget, 100, t.plusSeconds(5)));
        ledger.correct(charge, 40);
        assertThat(ledger.database().spentMicros(t.plusSeconds(5))).isEqualTo(1_000);
        ledger.giveBackExpired(t.plusSeconds(6));
        assertThat(ledger.database().spentMicros(t.plusSeconds(6))).isEqualTo(840);
    }

    /**
     * A block's charges are made up to a second after its grant, so it counts from the end of that second: 10 minutes
     * and half a second after the grant, a charge made at 0.9 s is still in the window (and, the record being buckets of
     * 10 s that count whole until their latest charge leaves, so is the single charge made with it at t).
     */
    @Test
    void aBlockCountsFromTheEndOfItsSecond() {
        BlockSpendLedger ledger = blocksOn(classDatabase.dataSource());
        Instant t = day();
        granted(ledger.tryCharge(1_000_000, 100, t)); // a block of one: counted from t
        granted(ledger.tryCharge(1_000_000, 100, t)); // the first of a block of two
        granted(ledger.tryCharge(1_000_000, 100, t.plusMillis(900))); // its second, 0.9 s later
        assertThat(ledger.spentMicros(t.plus(SpendRules.WINDOW).plusMillis(500)))
                .isEqualTo(300);
        assertThat(ledger.spentMicros(t.plus(SpendRules.WINDOW).plusSeconds(1))).isZero();
    }

    /**
     * Two instances charging at random moments, in bursts and lulls, with bills below and releases: in no 10 minutes
     * of real calls is more charged than the budget, and most of it is used.
     */
    @Test
    void instancesSharingTheBudgetInBlocksNeverChargeMoreThanItInAnyTenMinutes() {
        long budget = 2_000_000;
        Random random = new Random(20261130);
        try (HikariDataSource own = pool(classDatabase.dataSource().getJdbcUrl())) {
            List<BlockSpendLedger> instances = List.of(blocksOn(own), blocksOn(classDatabase.dataSource()));
            record Sent(Instant at, long micros) {}
            List<Sent> sent = new ArrayList<>();
            Instant t = day();
            Instant end = t.plus(Duration.ofMinutes(40));
            while (t.isBefore(end)) {
                t = t.plusMillis(random.nextInt(100) < 95 ? 1 + random.nextInt(20) : random.nextInt(5_000));
                BlockSpendLedger instance = instances.get(random.nextInt(2));
                long micros = 500 + random.nextInt(1_500);
                if (instance.tryCharge(budget, micros, t) instanceof SpendLedger.Decision.Granted granted) {
                    SpendLedger.Charge charge = granted.charge();
                    if (random.nextInt(10) == 0) {
                        instance.release(charge); // not billed
                    } else {
                        long billed = charge.micros() - random.nextInt((int) charge.micros() / 2);
                        instance.correct(charge, billed);
                        sent.add(new Sent(t, billed));
                    }
                }
                if (random.nextInt(50) == 0) {
                    instance.giveBackExpired(t);
                }
            }
            long most = 0;
            long inWindow = 0;
            for (int i = 0, first = 0; i < sent.size(); i++) {
                inWindow += sent.get(i).micros();
                while (!sent.get(first).at().isAfter(sent.get(i).at().minus(SpendRules.WINDOW))) {
                    inWindow -= sent.get(first++).micros();
                }
                most = Math.max(most, inWindow);
            }
            assertThat(most).isLessThanOrEqualTo(budget);
            // 40 minutes are four windows' worth of budget: blocks held and given back still leave most of it used.
            assertThat(sent.stream().mapToLong(Sent::micros).sum()).isGreaterThan(4 * budget * 6 / 10);
        }
    }
}
