package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.ServiceTest;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Once the history outgrows lisa.chat.max-input-tokens, the prompt builder leaves out a block of
 * oldest turns at once (down to half the budget), so the cached prefix is lost on a few turns only, not
 * on every turn from then on (which leaving out one oldest turn per turn would do). Measured against
 * the emulator's caching model with a minimum of 100 tokens (Lisa's instruction with her catalogue) and
 * long messages, so that the history, not the persona, is most of the prompt.
 *
 * <p>Prints the share per turn; run it alone with
 * {@code ./dev mvn -q -pl service -am -Dtest=CachedPrefixWhileTrimmingTest -Dsurefire.failIfNoSpecifiedTests=false test}.
 */
@TestPropertySource(
        properties = {
            "lisa.gemini.model=gemini-3.5-flash-lite",
            "lisa.chat.max-input-tokens=3000" // Lisa's instruction with her catalogue is ~1,100 of them
        })
class CachedPrefixWhileTrimmingTest extends ServiceTest {

    @Test
    void trimmingLosesTheCachedPrefixOnAFewTurnsOnly() {
        upstream.cacheMinTokens(100);
        String id = api.newSession();
        String padding = " Bitte erklären Sie mir alle Bedingungen ausführlich.".repeat(7); // ~95 tokens
        int trimmed = 0;
        int lowShare = 0;
        int previousCount = 0;
        System.out.println("turn  contents  prompt  cached  share");
        for (int turn = 1; turn <= 30; turn++) {
            JsonNode reply = api.chat(id, "Frage " + turn + "." + padding).json();
            JsonNode usage = reply.get("usage");
            int count = com.callcenter.lisa.support.EmulatorReply.contentsCount(
                    reply.get("reply").asString());
            if (count < previousCount) {
                trimmed++;
            }
            previousCount = count;
            int prompt = usage.get("promptTokens").asInt();
            int cached = usage.get("cachedTokens").asInt();
            double share = (double) cached / prompt;
            if (turn >= 3 && share < 0.60) {
                lowShare++;
            }
            System.out.printf(Locale.ROOT, "%4d  %8d  %6d  %6d  %5.1f %%%n", turn, count, prompt, cached, 100 * share);
        }

        assertThat(trimmed).as("turns on which older turns were left out").isBetween(2, 8);
        // Only the turns that cut the history lose the cached history; all others keep >= 60 % cached.
        assertThat(lowShare)
                .as("turns from the third on with less than 60 %% cached")
                .isLessThanOrEqualTo(trimmed);
        System.out.printf(
                Locale.ROOT,
                "history cut on %d of 30 turns; %d turns from the third on under 60 %% cached%n",
                trimmed,
                lowShare);
    }
}
