/**
 * The personas a session can speak as: each a system prompt (and, from folders, knowledge, context
 * schemas and tools), read once at start-up so a broken persona stops the start, not a customer's turn.
 */
package com.callcenter.lisa.persona;
