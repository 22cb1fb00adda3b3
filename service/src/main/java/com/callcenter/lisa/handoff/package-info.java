/**
 * A human agent takes a call over from Lisa and hands it back: the handoff (by the app, or by Lisa's
 * built-in {@code request_human} tool, which a turn asks of {@link com.callcenter.lisa.chat.HumanHandoff}),
 * the agent's and the customer's words while the human has the call (stored in the session's history,
 * no Gemini call), and the resume, after which Lisa is shown what was said meanwhile.
 */
package com.callcenter.lisa.handoff;
