package com.callcenter.lisa.quota;

/**
 * Gemini's limits for one model of one Google project. Zero means "no limit of this kind".
 *
 * @param requestsPerMinute    requests in any rolling 60 seconds
 * @param inputTokensPerMinute input (prompt) tokens in any rolling 60 seconds
 * @param requestsPerDay       requests per Pacific-time day (reset at midnight America/Los_Angeles)
 */
public record ModelBudget(int requestsPerMinute, long inputTokensPerMinute, int requestsPerDay) {}
