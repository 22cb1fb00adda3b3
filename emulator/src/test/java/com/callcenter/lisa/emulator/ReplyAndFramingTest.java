package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pure pieces: token stand-in, reply text and chunks, byte framing, delay formats. */
class ReplyAndFramingTest {

    @Test
    void tokensAreCharactersDividedByFourRoundedUp() {
        assertThat(Tokens.of("")).isZero();
        assertThat(Tokens.of("a")).isEqualTo(1);
        assertThat(Tokens.of("abcd")).isEqualTo(1);
        assertThat(Tokens.of("abcde")).isEqualTo(2);
        assertThat(Tokens.of("😀😀")).isEqualTo(1); // UTF-16 units, not code points
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        assertThat(Tokens.truncate("abcdefgh", 1)).isEqualTo("abcd");
        assertThat(Tokens.truncate("abc😀", 1)).isEqualTo("abc");
        assertThat(Tokens.truncate("kurz", 10)).isEqualTo("kurz");
    }

    @Test
    void chunksConcatenateToTheTextAndAreAtLeastTwo() {
        Reply reply = new Reply("Hallo, hier ist Lisa! Ich habe 3 Nachrichten erhalten.", Reply.STOP);
        assertThat(reply.chunks()).containsExactly("Hallo, hier ist Lisa! ", "Ich habe 3 Nachrichten ", "erhalten.");
        assertThat(new Reply("Ja", Reply.STOP).chunks()).containsExactly("J", "a");
        assertThat(new Reply("", Reply.STOP).chunks()).containsExactly("");
        assertThat(String.join("", new Reply("a  b\n\nc d e f g", Reply.STOP).chunks()))
                .isEqualTo("a  b\n\nc d e f g");
    }

    @Test
    void sseSplittingKeepsEveryByte() {
        String crlf = "data: {\"a\": 1}\r\n\r\ndata: {\"a\": 2}\r\n\r\n";
        String lfWithBareTail = "data: {\"a\": 1}\n\ndata: {\"a\": 2}\n\n{\n  \"error\": {}\n}\n";

        assertThat(texts(Framing.sseEvents(bytes(crlf))))
                .containsExactly("data: {\"a\": 1}\r\n\r\n", "data: {\"a\": 2}\r\n\r\n");
        assertThat(texts(Framing.sseEvents(bytes(lfWithBareTail))))
                .containsExactly("data: {\"a\": 1}\n\n", "data: {\"a\": 2}\n\n", "{\n  \"error\": {}\n}\n");
    }

    @Test
    void jsonArraySplittingCutsBeforeEachSeparator() {
        String array = "[{\n  \"a\": 1\n}\n,\r\n{\n  \"a\": 2,\n  \"b\": 3\n}\n]";

        assertThat(texts(Framing.jsonArrayElements(bytes(array))))
                .containsExactly("[{\n  \"a\": 1\n}", "\n,\r\n{\n  \"a\": 2,\n  \"b\": 3\n}\n]");
    }

    @Test
    void retryDelaysAreExactInTheMessageAndRoundedUpInRetryInfo() {
        assertThat(ErrorBodies.exactSeconds(Duration.ofMillis(6_500))).isEqualTo("6.5");
        assertThat(ErrorBodies.exactSeconds(Duration.ofSeconds(7))).isEqualTo("7");
        assertThat(ErrorBodies.exactSeconds(Duration.ofNanos(41_233_904_120_000L)))
                .isEqualTo("41233.90412");
        assertThat(ErrorBodies.wholeSecondsUp(Duration.ofMillis(6_500))).isEqualTo(7);
        assertThat(ErrorBodies.wholeSecondsUp(Duration.ofSeconds(7))).isEqualTo(7);
        assertThat(ErrorBodies.wholeSecondsUp(Duration.ofNanos(7_000_000_001L))).isEqualTo(8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<byte[]> pieces) {
        return pieces.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
    }
}
