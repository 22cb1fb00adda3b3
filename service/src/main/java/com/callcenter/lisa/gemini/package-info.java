/**
 * Gemini through the official SDK: the client (requests, replies, streaming), the model rules and
 * generation settings checked at start-up, error classification, and the attempt loop
 * ({@code GeminiGateway}: reserve a slot → circuit breaker → call → classify → back off → fallback), which
 * models Gemini still serves ({@code ModelAvailability}: a 404 for a model skips it, {@code models.get}
 * finds it again), and Lisa's replies as Gemini sent them, thought signatures included ({@code ModelParts}).
 */
package com.callcenter.lisa.gemini;
