package com.callcenter.lisa.gemini;

import java.util.List;

/**
 * What one turn sends to Gemini: the persona as system instruction and the conversation so far,
 * ending with the customer's new message.
 */
public record Prompt(String systemInstruction, List<Message> messages) {

    public Prompt {
        messages = List.copyOf(messages);
        if (messages.isEmpty() || messages.getLast().role() != Role.USER) {
            throw new IllegalArgumentException("A prompt ends with the customer's message");
        }
    }

    public enum Role { USER, MODEL }

    /**
     * @param text       what was said
     * @param modelParts for a reply of Lisa's: the model content as Gemini sent it (JSON, with its thought
     *                   signatures), sent back instead of the text; null to send the text
     * @param answeredBy the model that made those parts: their signatures go back only to that model
     */
    public record Message(Role role, String text, String modelParts, String answeredBy) {

        public Message(Role role, String text) {
            this(role, text, null, null);
        }
    }
}
