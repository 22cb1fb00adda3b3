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
                "Change the settings named above as each line says (in application.yml, or as environment "
                        + "variables, e.g. SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE=200s).",
                cause);
    }
}
