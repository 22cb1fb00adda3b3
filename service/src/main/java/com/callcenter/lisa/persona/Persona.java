package com.callcenter.lisa.persona;

/** A named agent and the system prompt that makes Gemini speak as her. */
public record Persona(String name, String systemPrompt) {
}
