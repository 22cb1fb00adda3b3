package com.callcenter.lisa.emulator;

/** The three per-model quotas of the Gemini API free tier, with their wire names. */
enum QuotaKind {
    RPM(
            "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            Outcome.QUOTA_RPM),
    TPM(
            "GenerateContentInputTokensPerModelPerMinute-FreeTier",
            "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",
            Outcome.QUOTA_TPM),
    RPD(
            "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
            "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            Outcome.QUOTA_RPD);

    final String quotaId;
    final String metric;
    final String outcome;

    QuotaKind(String quotaId, String metric, String outcome) {
        this.quotaId = quotaId;
        this.metric = metric;
        this.outcome = outcome;
    }
}
