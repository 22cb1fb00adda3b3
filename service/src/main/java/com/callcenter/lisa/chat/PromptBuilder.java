package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.Prompt;
import com.callcenter.lisa.gemini.TokenEstimate;
import com.callcenter.lisa.session.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds what Gemini sees for a turn: the persona as system instruction, as much of the history as the
 * input budget allows (whole turns, never half of one, never a gap), and the new message, in that
 * order and nothing else: no times, counters or other per-turn text before the newest message.
 *
 * <p><b>A stable prefix.</b> Gemini bills a prompt prefix it has seen recently at the cached price
 * (implicit caching, from a model's minimum length on). The system instruction comes first and is the
 * same bytes on every turn, and the history is appended to, so each turn's prompt begins with the
 * previous turn's whole prompt. Trimming is what can break that: leaving out the oldest turn whenever
 * the budget is exceeded would change the prompt's beginning on every turn once trimming starts, and
 * nothing but the system instruction would ever be cached again. So when the history outgrows its
 * budget, a block of oldest turns is left out at once, down to half of it; the following turns are
 * then appended to the same shorter history until it is full again. The cut point depends only on the
 * stored turns (it is found by replaying the history from its first turn), so every turn of the
 * conversation finds the same one, and the prefix changes once per half-budget of new turns instead
 * of on every turn.
 */
final class PromptBuilder {

    /** Of the input budget (after the persona), the share kept free for the new message. */
    private static final int MESSAGE_SHARE_PERCENT = 10;

    private final int maxInputTokens;

    PromptBuilder(int maxInputTokens) {
        this.maxInputTokens = maxInputTokens;
    }

    Prompt build(String systemPrompt, List<Turn> history, String message) {
        int room = maxInputTokens - TokenEstimate.of(systemPrompt);
        int first = stableStart(history, Math.max(0, room - room * MESSAGE_SHARE_PERCENT / 100));
        int used = 0;
        for (Turn turn : history.subList(first, history.size())) {
            used += cost(turn);
        }
        // The message the stable cut left no room for (a long one): this turn only, older turns go
        // one by one until it fits. The next turn's replay finds the stable cut again.
        int budget = room - TokenEstimate.of(message);
        while (first < history.size() && used > budget) {
            used -= cost(history.get(first));
            first++;
        }
        List<Prompt.Message> messages = new ArrayList<>(2 * (history.size() - first) + 1);
        for (Turn turn : history.subList(first, history.size())) {
            messages.add(new Prompt.Message(Prompt.Role.USER, turn.userMessage()));
            // Gemini's own parts (with their thought signatures) when the turn has them, else the text.
            messages.add(new Prompt.Message(Prompt.Role.MODEL, turn.reply(), turn.modelParts(), turn.model()));
        }
        messages.add(new Prompt.Message(Prompt.Role.USER, message));
        return new Prompt(systemPrompt, messages);
    }

    /**
     * The first turn to send, found by replaying the history from its start: turns are appended while
     * they fit in {@code limit}; the one that does not fit makes the oldest turns go, as a block, until
     * the rest is at most half of {@code limit} (the newest turn stays if it fits alone). A turn that
     * alone is over the limit goes too, with everything before it: a gap would show Gemini a
     * conversation that never happened.
     */
    static int stableStart(List<Turn> history, int limit) {
        int first = 0;
        int used = 0;
        for (int i = 0; i < history.size(); i++) {
            used += cost(history.get(i));
            if (used <= limit) {
                continue;
            }
            while (used > limit / 2 && first < i) {
                used -= cost(history.get(first));
                first++;
            }
            if (used > limit) {
                used -= cost(history.get(i));
                first = i + 1;
            }
        }
        return first;
    }

    private static int cost(Turn turn) {
        return TokenEstimate.of(turn.userMessage()) + TokenEstimate.of(turn.reply());
    }

    /** The input tokens the quota budget reserves for a prompt before Gemini counts them. */
    static int estimatedTokens(Prompt prompt) {
        int tokens = TokenEstimate.of(prompt.systemInstruction());
        for (Prompt.Message message : prompt.messages()) {
            tokens += TokenEstimate.of(message.text());
        }
        return tokens;
    }
}
