/**
 * Gemini through the official SDK: the client (requests, replies, streaming), the model rules and
 * generation settings checked at start-up, error classification, and the attempt loop
 * ({@code GeminiGateway}: reserve a slot → circuit breaker → call → classify → back off → fallback).
 */
package com.callcenter.lisa.gemini;
