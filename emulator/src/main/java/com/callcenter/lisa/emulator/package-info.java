/**
 * A Gemini API emulator on the JDK's HTTP server: the wire format, errors, quotas and Gemini 3 model
 * rules of the real API, recorded fixtures replayed byte for byte, scripted faults and a request log,
 * for tests, benchmarks and the demo mode.
 */
package com.callcenter.lisa.emulator;
