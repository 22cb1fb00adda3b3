package com.callcenter.lisa.emulator;

import java.util.List;

/** Names of the counters in {@link GeminiEmulator#counters()}: one outcome per request. */
final class Outcome {
    static final String OK = "ok";
    static final String SCRIPTED = "scripted";
    static final String QUOTA_RPM = "quota_rpm";
    static final String QUOTA_TPM = "quota_tpm";
    static final String QUOTA_RPD = "quota_rpd";
    static final String AUTH_FAILED = "auth_failed";
    static final String MODEL_NOT_FOUND = "model_not_found";
    static final String BAD_REQUEST = "bad_request";

    /** Path or HTTP method that is not one of the emulated routes. */
    static final String NOT_FOUND = "not_found";

    /** A bug in the emulator answered with 500; should stay at 0. */
    static final String INTERNAL_ERROR = "internal_error";

    static final List<String> ALL = List.of(
            OK,
            SCRIPTED,
            QUOTA_RPM,
            QUOTA_TPM,
            QUOTA_RPD,
            AUTH_FAILED,
            MODEL_NOT_FOUND,
            BAD_REQUEST,
            NOT_FOUND,
            INTERNAL_ERROR);

    private Outcome() {}
}
