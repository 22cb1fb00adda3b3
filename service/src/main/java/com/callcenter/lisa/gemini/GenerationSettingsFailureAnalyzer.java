package com.callcenter.lisa.gemini;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Replaces the stack trace of a start with settings a model rejects by what is wrong and what to set. */
public class GenerationSettingsFailureAnalyzer extends AbstractFailureAnalyzer<GenerationSettingsRejectedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, GenerationSettingsRejectedException cause) {
        return new FailureAnalysis(
                "Generation settings that a configured Gemini model answers with an error:\n  - "
                        + String.join("\n  - ", cause.problems()),
                "Change or remove these lisa.gemini.generation.* settings (environment: LISA_GEMINI_GENERATION_...), "
                        + "or choose other models (GEMINI_MODEL, lisa.quota.fallback-models[i].name). What each model "
                        + "takes is in the README, section Models, and in " + ModelTable.RESOURCE + ".",
                cause);
    }
}
