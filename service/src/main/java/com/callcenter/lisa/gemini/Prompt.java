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

    public record Message(Role role, String text) {
    }
}
