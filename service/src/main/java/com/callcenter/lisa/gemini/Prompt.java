package com.callcenter.lisa.gemini;

import java.util.List;

/**
 * What one turn sends to Gemini: the persona as system instruction and the conversation so far,
 * ending with the customer's new message (or, within a turn that uses tools, with the results of the
 * tools the model asked for).
 *
 * @param tools    the functions the model may call (none: no tools are declared)
 * @param toolsOff the tools stay declared but the model may not call them (function calling mode NONE):
 *                 the last request of a turn that used up its tool rounds
 */
public record Prompt(String systemInstruction, List<Message> messages, List<ToolDeclaration> tools, boolean toolsOff) {

    public Prompt {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        if (messages.isEmpty() || messages.getLast().role() != Role.USER) {
            throw new IllegalArgumentException("A prompt ends with the customer's message");
        }
    }

    public Prompt(String systemInstruction, List<Message> messages) {
        this(systemInstruction, messages, List.of(), false);
    }

    /** The same prompt with these tools declared. */
    public Prompt withTools(List<ToolDeclaration> declared, boolean off) {
        return new Prompt(systemInstruction, messages, declared, off);
    }

    /** The same prompt, tools and all, with {@code more} messages after its own. */
    public Prompt followedBy(List<Message> more, boolean off) {
        List<Message> all = new java.util.ArrayList<>(messages);
        all.addAll(more);
        return new Prompt(systemInstruction, all, tools, off);
    }

    public enum Role {
        USER,
        MODEL
    }

    /**
     * @param text       what was said
     * @param modelParts for a reply of Lisa's: the model content as Gemini sent it (JSON, with its thought
     *                   signatures), sent back instead of the text; for a user message, a content of function
     *                   responses (JSON) sent as it is; null to send the text
     * @param answeredBy the model that made those parts: their signatures go back only to that model
     */
    public record Message(Role role, String text, String modelParts, String answeredBy) {

        public Message(Role role, String text) {
            this(role, text, null, null);
        }
    }
}
