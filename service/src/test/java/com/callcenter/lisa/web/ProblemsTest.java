package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.gemini.GeminiFailure;
import com.callcenter.lisa.limits.ClientRateLimitedException;
import com.callcenter.lisa.session.SessionClosedException;
import com.callcenter.lisa.session.SessionStatus;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A failure handed over through a future (a queue ticket completed exceptionally) is answered as itself. */
class ProblemsTest {

    @Test
    void aWrappedFailureIsAnsweredAsTheFailureNotAs500() {
        GeminiFailure overloaded = new GeminiFailure(
                GeminiFailure.Kind.UNAVAILABLE, 503, "Gemini answered 503", Duration.ofSeconds(5), null);

        Problems.Problem problem = Problems.of(new CompletionException(overloaded), "/api/v1/sessions/x/chat");

        assertThat(problem.status()).isEqualTo(503);
        assertThat(problem.detail().getType().toString()).isEqualTo("urn:lisa:problem:upstream-unavailable");
        assertThat(problem.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aDoublyWrappedSessionClosedIsStill409() {
        UUID id = UUID.randomUUID();
        Problems.Problem problem = Problems.of(
                new CompletionException(new CompletionException(new SessionClosedException(id, SessionStatus.ENDED))),
                "/api/v1/sessions/" + id + "/chat");

        assertThat(problem.status()).isEqualTo(409);
    }

    @Test
    void aClientOverItsLimitIs429WithItsRetryAfterNotTheQuotas503() {
        Problems.Problem problem = Problems.of(
                new ClientRateLimitedException(
                        ClientRateLimitedException.Limit.MESSAGES_PER_MINUTE,
                        Duration.ofMillis(39_100),
                        "Over the limit."),
                "/api/v1/sessions/x/chat");

        assertThat(problem.status()).isEqualTo(429);
        assertThat(problem.detail().getType().toString()).isEqualTo("urn:lisa:problem:client-rate-limited");
        assertThat(problem.retryAfter()).isEqualTo(Duration.ofMillis(39_100));
        assertThat(problem.detail().getProperties())
                .containsEntry("limit", "messages-per-minute")
                .containsEntry("retryAfterSeconds", 40L);
    }
}
