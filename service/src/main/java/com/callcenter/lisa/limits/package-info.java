/**
 * Per-owner limits against abuse (issue 12 point 5): how many sessions an owner (one app install, one
 * agent, one API key) may have active, create per minute, and how many messages it may send per minute.
 * Over a limit the request is refused with 429 {@code client-rate-limited} and an honest Retry-After,
 * before anything is stored or any Gemini quota is spent. It knows owners only as a tenant and a name
 * with their limits ({@link com.callcenter.lisa.limits.LimitedClient}), never a credential.
 */
package com.callcenter.lisa.limits;
