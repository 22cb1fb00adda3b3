/**
 * The wrap-up of a conversation for the CRM: when a session with at least one turn ends, Gemini writes a
 * structured summary (outcome, summary, next action, products, objections, sentiment, lead score) that is
 * checked against a JSON Schema, stored, shown at {@code GET /api/v1/sessions/{id}/wrap-up} and, when
 * {@code LISA_WRAPUP_WEBHOOK_URL} is set, delivered to the CRM through a transactional outbox. Its Gemini
 * requests run in the quota's background class: they take only slots no live turn waits for.
 */
package com.callcenter.lisa.wrapup;
