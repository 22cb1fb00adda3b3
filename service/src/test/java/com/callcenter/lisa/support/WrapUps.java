package com.callcenter.lisa.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.RecordedRequest;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A session's wrap-up as the API shows it, and the wrap-up requests Gemini got: what the wrap-up tests look at. */
public final class WrapUps {

    private WrapUps() {}

    /** Polls GET .../wrap-up until it is no longer 202 (pending), and checks it answered 200. */
    public static JsonNode awaitFinished(Api api, String sessionId) {
        Api.Response[] last = new Api.Response[1];
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = api.get("/api/v1/sessions/" + sessionId + "/wrap-up");
                    assertThat(last[0].status()).as(last[0].body()).isIn(200, 202);
                    return last[0].status() == 200;
                });
        return last[0].json();
    }

    /** The wrap-up requests {@code upstream} received: the ones asking for structured output. */
    public static List<RecordedRequest> requests(GeminiEmulator upstream) {
        return upstream.requests().stream()
                .filter(r -> r.body().contains("responseJsonSchema"))
                .toList();
    }
}
