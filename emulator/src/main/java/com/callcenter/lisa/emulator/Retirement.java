package com.callcenter.lisa.emulator;

/**
 * How a retired model answers ({@code --retired MODEL[:new-users]}, {@link
 * GeminiEmulator#retire(String, Retirement)}): always with 404 NOT_FOUND, in one of the two forms
 * Google uses for a model that is gone.
 */
public enum Retirement {
    /**
     * Shut down: the recorded "models/X is not found for API version v1beta, or is not supported for
     * generateContent. Call ListModels ..." body.
     */
    NOT_FOUND,
    /** Kept for old projects only: "This model models/X is no longer available to new users. ..." */
    NEW_USERS;

    /** "gemini-x" or "gemini-x:new-users" (the command-line form) to model and retirement. */
    static java.util.Map.Entry<String, Retirement> parse(String value) {
        int colon = value.lastIndexOf(':');
        String model = colon < 0 ? value : value.substring(0, colon);
        String how = colon < 0 ? "" : value.substring(colon + 1);
        if (model.startsWith("models/")) {
            model = model.substring("models/".length());
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("--retired wants MODEL or MODEL:new-users, got " + value);
        }
        Retirement retirement = switch (how) {
            case "", "not-found" -> NOT_FOUND;
            case "new-users" -> NEW_USERS;
            default ->
                throw new IllegalArgumentException(
                        "--retired wants MODEL, MODEL:not-found or MODEL:new-users, got " + value);
        };
        return java.util.Map.entry(model.trim(), retirement);
    }
}
