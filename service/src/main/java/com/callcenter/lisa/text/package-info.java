/**
 * Rules for the words that come from the app and are stored: a customer's message, a handoff's reason, the human
 * agent's conversation, a session's persona and metadata. Checked on arrival, before anything is stored or any Gemini
 * quota is spent ({@link com.callcenter.lisa.text.IncomingText}); a message that breaks them is refused with
 * {@link com.callcenter.lisa.text.InvalidMessageException}, and how long a message may be is
 * {@link com.callcenter.lisa.text.MessageLimit}. It depends on no other package of the service.
 */
package com.callcenter.lisa.text;
