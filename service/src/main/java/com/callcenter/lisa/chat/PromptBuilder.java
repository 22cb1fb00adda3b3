package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.Prompt;
import com.callcenter.lisa.gemini.TokenEstimate;
import com.callcenter.lisa.session.HandoffMessage;
import com.callcenter.lisa.session.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds what Gemini sees for a turn: the persona, as much of the history as the input budget allows
 * (newest turns first, leaving out the oldest whole turns, never half of one), and the new message.
 *
 * <p>What the human agent and the customer said while a human agent had the call goes to Gemini inside
 * the user content that follows it (the next turn's customer message, or the new message), clearly
 * marked as such: Gemini knows only the roles user and model, a content of its own would be a second
 * user content in a row, and a made-up model content would put words in Lisa's mouth. Stored messages
 * never move, so a later turn's prompt still starts with this one's (Gemini's implicit cache keeps
 * working), and when old turns are left out, the words said before them go with them.
 */
final class PromptBuilder {

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

        int budget = maxInputTokens - TokenEstimate.of(systemPrompt) - TokenEstimate.of(newText);
        int first = history.size();
        while (first > 0) {
            Turn turn = history.get(first - 1);
            int cost = TokenEstimate.of(userTexts.get(first - 1)) + TokenEstimate.of(turn.reply());
            if (cost > budget) {
                break;
            }
            budget -= cost;
            first--;
        }
        List<Prompt.Message> messages = new ArrayList<>(2 * (history.size() - first) + 1);
        for (int i = first; i < history.size(); i++) {
            messages.add(new Prompt.Message(Prompt.Role.USER, userTexts.get(i)));
            messages.add(new Prompt.Message(Prompt.Role.MODEL, history.get(i).reply()));
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
        return text.append("[You have the call again. The customer's next message:]\n").append(customerWords)
                .toString();
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
