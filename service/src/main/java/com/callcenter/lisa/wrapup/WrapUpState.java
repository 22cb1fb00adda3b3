package com.callcenter.lisa.wrapup;

/** Where a wrap-up stands. */
public enum WrapUpState {
    /** Due: waiting for a background slot of the quota, or for its next try. */
    PENDING,
    /** Made: the result follows the wrap-up schema. */
    DONE,
    /** Given up: Gemini's answers did not follow the schema twice, or Gemini refused the request. */
    FAILED
}
