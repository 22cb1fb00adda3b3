/**
 * One chat turn: validate the message, claim its Idempotency-Key, wait for the session's earlier
 * turns, build what Gemini sees, have the gateway answer it within the quota, and store message and
 * reply as one turn. Nothing is stored when a turn fails.
 */
package com.callcenter.lisa.chat;
