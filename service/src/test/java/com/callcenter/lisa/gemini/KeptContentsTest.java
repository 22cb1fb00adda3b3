package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.types.Content;
import com.google.genai.types.Part;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Lisa's kept replies are parsed once for all later turns, within a bound, and read as before. */
class KeptContentsTest {

    private static final String MODEL = "gemini-3.5-flash-lite";

    private final AtomicInteger parses = new AtomicInteger();
    private final Function<String, ModelParts.Parsed> counting = json -> {
        parses.incrementAndGet();
        return ModelParts.parse(json);
    };

    @Test
    void theSameReplyReadFromTheStoreAgainIsNotParsedAgain() {
        KeptContents kept = new KeptContents(KeptContents.DEFAULT_MAX_CONTENTS, 1_000_000, counting);
        String stored = ModelParts.stored(List.of(Part.fromText("Guten Tag!")), MODEL);
        Prompt.Message first = new Prompt.Message(Prompt.Role.MODEL, "Guten Tag!", stored, MODEL);
        // the next turn reads the history again: an equal string, not the same one
        Prompt.Message again = new Prompt.Message(Prompt.Role.MODEL, "Guten Tag!", new String(stored), MODEL);

        Content once = ModelParts.content(first, MODEL, kept);
        Content twice = ModelParts.content(again, MODEL, kept);

        assertThat(parses).hasValue(1);
        assertThat(twice).isSameAs(once);
        assertThat(twice.toJson()).isEqualTo(ModelParts.content(again, MODEL).toJson());
    }

    @Test
    void theModelThatMadeAContentIsStillReadFromItsOwnJson() {
        KeptContents kept = new KeptContents(KeptContents.DEFAULT_MAX_CONTENTS, 1_000_000, counting);
        Part signed = Part.builder()
                .text("Guten Tag!")
                .thoughtSignature(new byte[] {1, 2, 3})
                .build();
        String stored = ModelParts.stored(List.of(signed), MODEL);
        // the same content on a turn whose final reply another model gave
        Prompt.Message message = new Prompt.Message(Prompt.Role.MODEL, "Guten Tag!", stored, "gemini-3.8-flash");

        assertThat(ModelParts.content(message, MODEL, kept).toJson()).contains("thoughtSignature");
        assertThat(ModelParts.content(message, "gemini-3.8-flash", kept).toJson())
                .doesNotContain("thoughtSignature");
        assertThat(parses).hasValue(1);
    }

    @Test
    void theLeastRecentlyUsedGoWhenTheBoundIsReachedAndAHugeReplyIsNeverKept() {
        List<String> replies = java.util.stream.IntStream.range(0, 17)
                .mapToObj(i -> ModelParts.stored(List.of(Part.fromText("%03d".formatted(i) + "x".repeat(100))), MODEL))
                .toList();
        KeptContents kept = new KeptContents(
                KeptContents.DEFAULT_MAX_CONTENTS, 16 * replies.getFirst().length(), counting);

        assertTheSecondGoesWhenOneMoreComes(kept, replies);

        KeptContents small = new KeptContents(
                KeptContents.DEFAULT_MAX_CONTENTS, 16 * replies.getFirst().length() - 16, counting);
        parses.set(0);
        small.apply(replies.get(0));
        small.apply(replies.get(0));
        assertThat(parses).hasValue(2);
        assertThat(small.size()).isZero();
    }

    @Test
    void theLeastRecentlyUsedGoesWhenTheContentsRunOut() {
        List<String> replies = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> ModelParts.stored(List.of(Part.fromText("Antwort " + i)), MODEL))
                .toList();
        KeptContents kept = new KeptContents(3, KeptContents.DEFAULT_MAX_CHARS, counting);

        assertTheSecondGoesWhenOneMoreComes(kept, replies);
    }

    /**
     * {@code kept} has room for all {@code replies} but the last: kept in order, the first used again, then the last
     * pushes out the second, the least recently used, and keeps every other.
     */
    private void assertTheSecondGoesWhenOneMoreComes(KeptContents kept, List<String> replies) {
        int room = replies.size() - 1;
        replies.subList(0, room).forEach(kept::apply);
        kept.apply(replies.getFirst()); // used again: the second is now the least recently used
        kept.apply(replies.getLast());
        assertThat(kept.size()).isEqualTo(room);
        parses.set(0);
        kept.apply(replies.getFirst());
        replies.subList(2, replies.size()).forEach(kept::apply);
        assertThat(parses).hasValue(0);
        kept.apply(replies.get(1));
        assertThat(parses).hasValue(1);
    }
}
