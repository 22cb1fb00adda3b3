package com.callcenter.lisa.emulator;

/**
 * Limits applied per model, like the Gemini API's per-project-per-model quotas. A value of 0 means
 * unlimited.
 *
 * @param requestsPerMinute requests within any rolling 60-second window (rpm)
 * @param inputTokensPerMinute prompt tokens within any rolling 60-second window (tpm)
 * @param requestsPerDay requests per day; the day ends at midnight America/Los_Angeles (rpd)
 */
public record Quota(int requestsPerMinute, long inputTokensPerMinute, int requestsPerDay) {

  /** No limits at all. */
  public static final Quota NONE = new Quota(0, 0, 0);

  public Quota {
    if (requestsPerMinute < 0 || inputTokensPerMinute < 0 || requestsPerDay < 0) {
      throw new IllegalArgumentException("quota limits must be >= 0 (0 = unlimited)");
    }
  }

  public boolean unlimited() {
    return requestsPerMinute == 0 && inputTokensPerMinute == 0 && requestsPerDay == 0;
  }
}
