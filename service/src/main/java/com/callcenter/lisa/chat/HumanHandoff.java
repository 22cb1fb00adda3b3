package com.callcenter.lisa.chat;

import com.callcenter.lisa.session.HandoffNotice;
import java.util.UUID;

/**
 * Hands a session to a human agent when Lisa calls her built-in {@code request_human} tool. The handoff feature
 * provides it; a turn only asks for it, so that the handoff feature may use the chat's types and not the other way
 * round.
 */
public interface HumanHandoff {

    /**
     * The session becomes {@code handed_off} by {@code tool}: the turn that called it still completes and is stored,
     * and Lisa takes no more messages until it is resumed. Idempotent: a session already handed off keeps its first
     * handoff, which is returned.
     *
     * @return what the turn's answer reports as its {@code handoff}
     * @throws com.callcenter.lisa.text.InvalidMessageException      if the reason is blank, too long or unstorable
     * @throws com.callcenter.lisa.session.SessionClosedException   if the session was ended or has expired
     */
    HandoffNotice handOffByLisa(UUID sessionId, String reason);
}
