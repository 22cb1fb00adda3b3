package com.callcenter.lisa.chat;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Replaces the stack trace of a start with inconsistent timing settings by what to change. */
public class ClaimTimingFailureAnalyzer extends AbstractFailureAnalyzer<ClaimTimingRules.ClaimTimingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ClaimTimingRules.ClaimTimingException cause) {
        return new FailureAnalysis(
                "The timing settings of turns, idempotency claims and shutdown do not fit together:\n  - "
                        + String.join("\n  - ", cause.broken()),
                "Change the settings named above as each line says: in application.yml, on the command line "
                        + "(--name=value) or as environment variables (spring.lifecycle.timeout-per-shutdown-phase "
                        + "is SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE, lisa.chat.idempotency.lease is "
                        + "LISA_CHAT_IDEMPOTENCY_LEASE).",
                cause);
    }
}
