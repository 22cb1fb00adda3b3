package com.callcenter.lisa.gemini;

/**
 * A function the model may call, as declared to Gemini ({@code tools[].functionDeclarations[]}).
 *
 * @param parametersJson the JSON Schema of its arguments, as JSON text (sent as {@code parametersJsonSchema})
 */
public record ToolDeclaration(String name, String description, String parametersJson) {}
