/**
 * Benchmarks as code: each drives the emulator, the service (and the Portkey gateway for comparison)
 * as separate processes on 127.0.0.1 and writes its results file (see bench/README.md).
 */
package com.callcenter.lisa.bench;
