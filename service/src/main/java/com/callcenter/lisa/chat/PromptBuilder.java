package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.FunctionCalls;
import com.callcenter.lisa.gemini.Prompt;
import com.callcenter.lisa.gemini.TokenEstimate;
import com.callcenter.lisa.session.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds what Gemini sees for a turn: the persona, as much of the history as the input budget allows
 * (newest turns first, leaving out the oldest whole turns, never half of one), and the new message.
 */
final class PromptBuilder {

    private final int maxInputTokens;

    PromptBuilder(int maxInputTokens) {
        this.maxInputTokens = maxInputTokens;
    }

    Prompt build(String systemPrompt, List<Turn> history, String message) {
        int budget = maxInputTokens - TokenEstimate.of(systemPrompt) - TokenEstimate.of(message);
        int first = history.size();
        while (first > 0) {
            Turn turn = history.get(first - 1);
            // a turn that used tools sends all its contents (calls and results): they count, not only the reply
            boolean withTools = turn.modelParts() != null && turn.modelParts().startsWith("[");
            int cost = TokenEstimate.of(turn.userMessage())
                    + TokenEstimate.of(withTools ? turn.modelParts() : turn.reply());
            if (cost > budget) {
                break;
            }
            budget -= cost;
            first--;
        }
        List<Prompt.Message> messages = new ArrayList<>(2 * (history.size() - first) + 1);
        for (Turn turn : history.subList(first, history.size())) {
            messages.add(new Prompt.Message(Prompt.Role.USER, turn.userMessage()));
            // Gemini's own parts (with their thought signatures) when the turn has them, else the text; a turn that
            // used tools goes back whole: its calls, their results, then the reply.
            messages.addAll(FunctionCalls.replyMessages(turn.reply(), turn.modelParts(), turn.model()));
        }
        messages.add(new Prompt.Message(Prompt.Role.USER, message));
        return new Prompt(systemPrompt, messages);
    }

    /** The input tokens the quota budget reserves for a prompt before Gemini counts them. */
    static int estimatedTokens(Prompt prompt) {
        int tokens = TokenEstimate.of(prompt.systemInstruction());
        for (Prompt.Message message : prompt.messages()) {
            // a function response has no text: its JSON is what Gemini reads
            tokens += TokenEstimate.of(message.text().isEmpty() && message.modelParts() != null
                    ? message.modelParts() : message.text());
        }
        return tokens;
    }
}
