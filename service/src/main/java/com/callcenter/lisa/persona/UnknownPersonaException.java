package com.callcenter.lisa.persona;

import java.util.Set;

/** A session asked for a persona that is not configured. */
public class UnknownPersonaException extends RuntimeException {

    public UnknownPersonaException(String name, Set<String> known) {
        super("Unknown persona '" + name + "'; configured personas: "
                + String.join(", ", known.stream().sorted().toList()) + ".");
    }
}
