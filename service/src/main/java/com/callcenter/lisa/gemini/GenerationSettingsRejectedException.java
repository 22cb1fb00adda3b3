package com.callcenter.lisa.gemini;

import java.util.List;

/** Generation settings that a configured model would answer with an error on every turn. */
class GenerationSettingsRejectedException extends RuntimeException {

    private final List<String> problems;

    GenerationSettingsRejectedException(List<String> problems) {
        super(String.join(" ", problems));
        this.problems = List.copyOf(problems);
    }

    List<String> problems() {
        return problems;
    }
}
