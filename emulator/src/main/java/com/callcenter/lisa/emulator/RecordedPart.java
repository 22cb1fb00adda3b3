package com.callcenter.lisa.emulator;

/**
 * One part of a recorded generateContent / countTokens request, flattened for assertions: which
 * content it sits in and what it carries.
 *
 * @param contentIndex index of its content in {@code contents}; -1 for systemInstruction
 * @param role "user", "model" or "system" (a missing role reads "user")
 * @param text the part's text, or null when it has none
 * @param thought whether the part is marked {@code "thought": true}
 * @param thoughtSignature the signature sent with the part, byte for byte, or null
 * @param functionCallName name of its {@code functionCall}, or null
 */
public record RecordedPart(
        int contentIndex,
        String role,
        String text,
        boolean thought,
        String thoughtSignature,
        String functionCallName) {}
