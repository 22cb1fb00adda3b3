package com.callcenter.lisa.persona;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Replaces the stack trace of a start with a broken persona folder by the file, the line and what is wrong. */
public class PersonaFailureAnalyzer extends AbstractFailureAnalyzer<PersonaConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PersonaConfigException cause) {
        return new FailureAnalysis(
                "A persona cannot be loaded: " + cause.getMessage(),
                "Fix the file named above (the persona folders are under lisa.personas.directory, "
                        + "LISA_PERSONAS_DIRECTORY; the format is described in README.md, \"Personas\"), then start again.",
                cause);
    }
}
