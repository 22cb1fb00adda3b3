package com.callcenter.lisa.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The one limit on a message's length, bound from lisa.chat.max-message-chars beside the chat's other settings. */
class MessageLimitTest {

    private static MessageLimit bound(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("lisa.chat", Bindable.of(MessageLimit.class));
    }

    @Test
    void fourThousandCharactersUnlessSetAndNeverLessThanOne() {
        assertThat(bound(Map.of("lisa.chat.max-input-tokens", "8000")).maxMessageChars())
                .isEqualTo(4000);
        assertThat(bound(Map.of("lisa.chat.max-message-chars", "500")).maxMessageChars())
                .isEqualTo(500);
        assertThatThrownBy(() -> bound(Map.of("lisa.chat.max-message-chars", "0")))
                .rootCause()
                .hasMessage("lisa.chat.max-message-chars must be at least 1");
    }
}
