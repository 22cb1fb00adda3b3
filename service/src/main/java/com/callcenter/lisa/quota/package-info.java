/**
 * The Gemini quota of the Google project: budgets over rolling windows, ledgers in memory or in
 * PostgreSQL (shared by instances), and one fair queue of reservations per model. It decides who may
 * send when; it knows nothing of Gemini's wire format or errors.
 */
package com.callcenter.lisa.quota;
