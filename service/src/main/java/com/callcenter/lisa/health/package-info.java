/**
 * The public health report: database, Gemini and quota state per model, answered within a second from
 * state kept up to date in the background, never by calling Gemini.
 */
package com.callcenter.lisa.health;
