package com.callcenter.lisa.session;

import java.util.UUID;

/** Published when a human agent takes a call over: its messages waiting for Lisa's quota need no answer. */
public record SessionHandedOff(UUID sessionId) {}
