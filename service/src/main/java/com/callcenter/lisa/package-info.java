/**
 * The Lisa call-center backend: a Spring Boot service between a Flutter call-center app and Google
 * Gemini. Each sub-package is one feature; a turn flows web → chat → gemini (attempt loop) → quota
 * (budgets and queue) → Gemini, and is stored by session, without calls coming back up.
 */
package com.callcenter.lisa;
