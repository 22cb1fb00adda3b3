package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.gemini.Prompt;
import com.callcenter.lisa.session.HandoffMessage;
import com.callcenter.lisa.session.Turn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {

    private static Turn turn(int number, int userChars, int replyChars) {
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        return new Turn(number, "u".repeat(userChars - 1) + number, now, "r".repeat(replyChars - 1) + number, now,
                "STOP", "m", 0, 0);
    }

    @Test
    void sendsWholeHistoryWithinBudget() {
        List<Turn> history = List.of(turn(1, 40, 40), turn(2, 40, 40));

        Prompt prompt = new PromptBuilder(1000).build("system", history, "neu");

        assertThat(prompt.systemInstruction()).isEqualTo("system");
        assertThat(prompt.messages()).extracting(Prompt.Message::role).containsExactly(
                Prompt.Role.USER, Prompt.Role.MODEL, Prompt.Role.USER, Prompt.Role.MODEL, Prompt.Role.USER);
        assertThat(prompt.messages().getFirst().text()).endsWith("1");
        assertThat(prompt.messages().getLast().text()).isEqualTo("neu");
    }

    @Test
    void leavesOutOldestWholeTurnsOverBudget() {
        List<Turn> history = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            history.add(turn(i, 40, 40)); // 10 + 10 tokens per turn
        }
        // 100 budget - 2 (system) - 1 (message) = 97: four whole turns (80) fit, a fifth (100) does not.
        Prompt prompt = new PromptBuilder(100).build("sys1234", history, "neu");

        assertThat(prompt.messages()).hasSize(9);
        assertThat(prompt.messages().getFirst().role()).isEqualTo(Prompt.Role.USER);
        assertThat(prompt.messages().getFirst().text()).endsWith("7");
        assertThat(prompt.messages().get(7).text()).endsWith("10");
    }

    @Test
    void aNewerTurnThatDoesNotFitStopsTheHistoryEvenIfOlderOnesWouldFit() {
        // Leaving a gap in the middle would show Gemini a conversation that never happened.
        List<Turn> history = List.of(turn(1, 4, 4), turn(2, 400, 400), turn(3, 4, 4));

        Prompt prompt = new PromptBuilder(50).build("s", history, "neu");

        assertThat(prompt.messages()).hasSize(3);
        assertThat(prompt.messages().getFirst().text()).endsWith("3");
    }

    @Test
    void aMessageOverTheBudgetIsStillSentAlone() {
        Prompt prompt = new PromptBuilder(10).build("s", List.of(turn(1, 4, 4)), "x".repeat(400));
        assertThat(prompt.messages()).hasSize(1);
    }

    private static HandoffMessage said(int number, int afterTurn, HandoffMessage.Author author, String content) {
        return new HandoffMessage(number, afterTurn, author, content, Instant.parse("2026-11-27T10:05:00Z"));
    }

    @Test
    void wordsOfAHumanAgentsConversationRideWithTheNextUserContentInOrder() {
        List<Turn> history = List.of(turn(1, 40, 40), turn(2, 40, 40));
        List<HandoffMessage> said = List.of(
                said(1, 1, HandoffMessage.Author.AGENT, "Hier ist Frau Berger."),
                said(2, 1, HandoffMessage.Author.CUSTOMER, "Wie teuer ist das?"),
                said(3, 2, HandoffMessage.Author.AGENT, "Lisa übernimmt wieder."));

        Prompt prompt = new PromptBuilder(1000).build("system", history, said, "neu");

        // Roles still alternate: no user content of its own, no made-up model content.
        assertThat(prompt.messages()).extracting(Prompt.Message::role).containsExactly(
                Prompt.Role.USER, Prompt.Role.MODEL, Prompt.Role.USER, Prompt.Role.MODEL, Prompt.Role.USER);
        assertThat(prompt.messages().get(0).text()).isEqualTo(history.get(0).userMessage());
        assertThat(prompt.messages().get(2).text()).isEqualTo("[A human agent had the call. What was said meanwhile:]\n"
                + "[Human agent]: Hier ist Frau Berger.\n[Customer]: Wie teuer ist das?\n"
                + "[You have the call again. The customer's next message:]\n" + history.get(1).userMessage());
        assertThat(prompt.messages().getLast().text()).isEqualTo("[A human agent had the call. What was said meanwhile:]\n"
                + "[Human agent]: Lisa übernimmt wieder.\n[You have the call again. The customer's next message:]\nneu");
    }

    @Test
    void wordsSaidBeforeALeftOutTurnAreLeftOutWithIt() {
        List<Turn> history = List.of(turn(1, 40, 40), turn(2, 40, 40), turn(3, 40, 40));
        List<HandoffMessage> said = List.of(said(1, 1, HandoffMessage.Author.AGENT, "a".repeat(200)));

        // 81 tokens for history: turn 3 costs 20; turn 2 with the agent's words over 100, so it and turn 1 stay out.
        Prompt prompt = new PromptBuilder(83).build("s", history, said, "neu");

        assertThat(prompt.messages()).hasSize(3);
        assertThat(prompt.messages().getFirst().text()).endsWith("3").doesNotContain("[Human agent]");
    }
}
