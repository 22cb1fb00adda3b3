package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.FunctionCalls;
import com.callcenter.lisa.gemini.Prompt;
import com.callcenter.lisa.gemini.TokenEstimate;
import com.callcenter.lisa.session.HandoffMessage;
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
 *
 * <p><b>A human agent's conversation.</b> What the human agent and the customer said while a human agent
 * had the call goes to Gemini inside the user content that follows it (the next turn's customer message,
 * or the new message), clearly marked as such: Gemini knows only the roles user and model, a content of
 * its own would be a second user content in a row, and a made-up model content would put words in
 * Lisa's mouth. Stored messages never move (a message belongs to the first turn numbered after its
 * {@link HandoffMessage#afterTurn}), so a turn's user content is the same text on every later prompt,
 * the prefix stays append-only, and the words count towards that turn's cost: when old turns are left
 * out, the words said before them go with them.
 */
final class PromptBuilder {

    /** Of the input budget (after the persona), the share kept free for the new message. */
    private static final int MESSAGE_SHARE_PERCENT = 10;

    private final int maxInputTokens;

    PromptBuilder(int maxInputTokens) {
        this.maxInputTokens = maxInputTokens;
    }

    Prompt build(String systemPrompt, List<Turn> history, String message) {
        return build(systemPrompt, history, List.of(), message);
    }

    /**
     * @param said what was said while a human agent had the call, in stored order; each message comes
     *             before the first turn numbered after its {@link HandoffMessage#afterTurn}
     */
    Prompt build(String systemPrompt, List<Turn> history, List<HandoffMessage> said, String message) {
        List<String> userTexts = new ArrayList<>(history.size());
        int next = 0;
        for (Turn turn : history) {
            int from = next;
            while (next < said.size() && said.get(next).afterTurn() < turn.number()) {
                next++;
            }
            userTexts.add(withHandoff(said.subList(from, next), turn.userMessage()));
        }
        String newText = withHandoff(said.subList(next, said.size()), message);
        int[] costs = new int[history.size()];
        for (int i = 0; i < costs.length; i++) {
            // a turn that used tools sends all its contents (calls and results): they count, not only the reply
            String modelParts = history.get(i).modelParts();
            boolean withTools = modelParts != null && modelParts.startsWith("[");
            costs[i] = TokenEstimate.of(userTexts.get(i))
                    + TokenEstimate.of(withTools ? modelParts : history.get(i).reply());
        }

        int room = maxInputTokens - TokenEstimate.of(systemPrompt);
        int first = stableStart(costs, Math.max(0, room - room * MESSAGE_SHARE_PERCENT / 100));
        int used = 0;
        for (int i = first; i < costs.length; i++) {
            used += costs[i];
        }
        // The message the stable cut left no room for (a long one): this turn only, older turns go
        // one by one until it fits. The next turn's replay finds the stable cut again.
        int budget = room - TokenEstimate.of(newText);
        while (first < costs.length && used > budget) {
            used -= costs[first];
            first++;
        }
        List<Prompt.Message> messages = new ArrayList<>(2 * (history.size() - first) + 1);
        for (int i = first; i < history.size(); i++) {
            Turn turn = history.get(i);
            messages.add(new Prompt.Message(Prompt.Role.USER, userTexts.get(i)));
            // Gemini's own parts (with their thought signatures) when the turn has them, else the text; a turn that
            // used tools goes back whole: its calls, their results, then the reply.
            messages.addAll(FunctionCalls.replyMessages(turn.reply(), turn.modelParts(), turn.model()));
        }
        messages.add(new Prompt.Message(Prompt.Role.USER, newText));
        return new Prompt(systemPrompt, messages);
    }

    /** The customer's words, after what was said while a human agent had the call, if anything was. */
    static String withHandoff(List<HandoffMessage> said, String customerWords) {
        if (said.isEmpty()) {
            return customerWords;
        }
        StringBuilder text = new StringBuilder("[A human agent had the call. What was said meanwhile:]\n");
        for (HandoffMessage message : said) {
            text.append(message.author() == HandoffMessage.Author.AGENT ? "[Human agent]: " : "[Customer]: ")
                    .append(message.content())
                    .append('\n');
        }
        return text.append("[You have the call again. The customer's next message:]\n")
                .append(customerWords)
                .toString();
    }

    /**
     * The first turn to send, found by replaying the history from its start: turns (each costing its
     * user content, with the words of a handoff before it, plus its reply) are appended while they fit in
     * {@code limit}; the one that does not fit makes the oldest turns go, as a block, until the rest is at
     * most half of {@code limit} (the newest turn stays if it fits alone). A turn that alone is over the
     * limit goes too, with everything before it: a gap would show Gemini a conversation that never
     * happened.
     */
    static int stableStart(int[] costs, int limit) {
        int first = 0;
        int used = 0;
        for (int i = 0; i < costs.length; i++) {
            used += costs[i];
            if (used <= limit) {
                continue;
            }
            while (used > limit / 2 && first < i) {
                used -= costs[first];
                first++;
            }
            if (used > limit) {
                used -= costs[i];
                first = i + 1;
            }
        }
        return first;
    }

    /** The input tokens the quota budget reserves for a prompt before Gemini counts them. */
    static int estimatedTokens(Prompt prompt) {
        int tokens = TokenEstimate.of(prompt.systemInstruction());
        for (Prompt.Message message : prompt.messages()) {
            // a function response has no text: its JSON is what Gemini reads
            tokens += TokenEstimate.of(
                    message.text().isEmpty() && message.modelParts() != null ? message.modelParts() : message.text());
        }
        return tokens;
    }
}
