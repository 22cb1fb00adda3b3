package com.callcenter.lisa.session;

import java.util.UUID;

/** Published when a client ends a session (the call is over): its waiting messages need no answer. */
public record SessionEnded(UUID sessionId) {}
