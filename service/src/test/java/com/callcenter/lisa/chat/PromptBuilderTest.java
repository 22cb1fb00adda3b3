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
        return new Turn(
                number,
                "u".repeat(userChars - 1) + number,
                now,
                "r".repeat(replyChars - 1) + number,
                now,
                "STOP",
                "m",
                0,
                0);
    }

    @Test
    void sendsWholeHistoryWithinBudget() {
        List<Turn> history = List.of(turn(1, 40, 40), turn(2, 40, 40));

        Prompt prompt = new PromptBuilder(1000).build("system", history, "neu");

        assertThat(prompt.systemInstruction()).isEqualTo("system");
        assertThat(prompt.messages())
                .extracting(Prompt.Message::role)
                .containsExactly(
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
        assertThat(prompt.messages())
                .extracting(Prompt.Message::role)
                .containsExactly(
                        Prompt.Role.USER, Prompt.Role.MODEL, Prompt.Role.USER, Prompt.Role.MODEL, Prompt.Role.USER);
        assertThat(prompt.messages().get(0).text()).isEqualTo(history.get(0).userMessage());
        assertThat(prompt.messages().get(2).text())
                .isEqualTo("[A human agent had the call. What was said meanwhile:]\n"
                        + "[Human agent]: Hier ist Frau Berger.\n[Customer]: Wie teuer ist das?\n"
                        + "[You have the call again. The customer's next message:]\n"
                        + history.get(1).userMessage());
        assertThat(prompt.messages().getLast().text())
                .isEqualTo(
                        "[A human agent had the call. What was said meanwhile:]\n"
                                + "[Human agent]: Lisa übernimmt wieder.\n[You have the call again. The customer's next message:]\nneu");
    }

    @Test
    void wordsSaidBeforeALeftOutTurnAreLeftOutWithIt() {
        List<Turn> history = List.of(turn(1, 40, 40), turn(2, 40, 40), turn(3, 40, 40));
        List<HandoffMessage> said = List.of(said(1, 1, HandoffMessage.Author.AGENT, "a".repeat(200)));

        // 74 tokens for history (90 % of 83 - 1): turn 3 costs 20; turn 2 with the agent's words over 100, so it
        // and turn 1 stay out.
        Prompt prompt = new PromptBuilder(83).build("s", history, said, "neu");

        assertThat(prompt.messages()).hasSize(3);
        assertThat(prompt.messages().getFirst().text()).endsWith("3").doesNotContain("[Human agent]");
    }

    @Test
    void overTheBudgetTheOldestTurnsGoAsABlockSoThePromptPrefixStaysStable() {
        // 40 turns of 20 tokens against a budget of ~9 turns: a prompt that lost its oldest turn on every
        // turn would have a new beginning 31 times (nothing cached beyond the persona); cutting to half
        // the budget at once changes it only every few turns.
        PromptBuilder builder = new PromptBuilder(200);
        List<Turn> history = new ArrayList<>();
        List<Prompt.Message> previous = null;
        int prefixChanges = 0;
        int turnsSinceChange = 0;
        for (int i = 1; i <= 40; i++) {
            Prompt prompt = builder.build("sys1234", history, "neu" + i);
            List<Prompt.Message> sent = prompt.messages();
            assertThat(PromptBuilder.estimatedTokens(prompt)).isLessThanOrEqualTo(200);
            if (previous != null) {
                boolean appended = sent.size() > previous.size() - 1
                        && sent.subList(0, previous.size() - 1).equals(previous.subList(0, previous.size() - 1));
                if (appended) {
                    turnsSinceChange++;
                } else {
                    prefixChanges++;
                    if (prefixChanges > 1) {
                        assertThat(turnsSinceChange)
                                .as("turns between two changes of the prefix")
                                .isGreaterThanOrEqualTo(3);
                    }
                    turnsSinceChange = 0;
                }
            }
            previous = sent;
            history.add(turn(i, 40, 40));
        }
        assertThat(prefixChanges).isBetween(1, 10);
    }

    @Test
    void theCutPointDependsOnlyOnTheStoredTurns() {
        List<Turn> history = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            history.add(turn(i, 40, 40));
        }
        // Different new messages, same stored turns: the same history is sent (the message fits either way).
        Prompt a = new PromptBuilder(200).build("sys1234", history, "kurz");
        Prompt b = new PromptBuilder(200).build("sys1234", history, "etwas länger, aber passt");
        assertThat(a.messages().subList(0, a.messages().size() - 1))
                .isEqualTo(b.messages().subList(0, b.messages().size() - 1));
    }

    @Test
    void wordsOfAHandoffKeepThePrefixAppendOnlyAndLeaveWithTheirTurnInTheBlock() {
        // A handoff every seventh turn: the prompt that carried the words as the new message is, whole, the
        // beginning of the next prompt unless a block of old turns was cut, and the words go with their turn.
        PromptBuilder builder = new PromptBuilder(300);
        List<Turn> history = new ArrayList<>();
        List<HandoffMessage> said = new ArrayList<>();
        List<Prompt.Message> previous = null;
        int appended = 0;
        int cuts = 0;
        for (int i = 1; i <= 40; i++) {
            if (i % 7 == 0) {
                said.add(said(said.size() + 1, i - 1, HandoffMessage.Author.AGENT, "Agent " + i));
                said.add(said(said.size() + 1, i - 1, HandoffMessage.Author.CUSTOMER, "Kunde " + i));
            }
            Prompt prompt = builder.build("sys1234", history, said, "neu" + i);
            List<Prompt.Message> sent = prompt.messages();
            assertThat(PromptBuilder.estimatedTokens(prompt)).isLessThanOrEqualTo(300);
            assertThat(sent).extracting(Prompt.Message::role).first().isEqualTo(Prompt.Role.USER);
            if (previous != null) {
                if (sent.size() > previous.size()
                        && sent.subList(0, previous.size()).equals(previous)) {
                    appended++;
                } else {
                    cuts++;
                    // The oldest turn sent is a whole one, its handoff words (if any) before it and none of a
                    // left-out turn's.
                    int oldest = Integer.parseInt(sent.getFirst().text().replaceAll("(?s).*u+", ""));
                    if (oldest % 7 == 0) {
                        assertThat(sent.getFirst().text())
                                .contains("[Human agent]: Agent " + oldest + "\n")
                                .doesNotContain("Agent " + (oldest - 7) + "\n");
                    } else {
                        assertThat(sent.getFirst().text()).doesNotContain("[Human agent]");
                    }
                }
            }
            previous = sent;
            history.add(new Turn(
                    i,
                    "neu" + i,
                    Instant.parse("2026-11-27T10:00:00Z"),
                    "r".repeat(39) + i,
                    Instant.parse("2026-11-27T10:00:00Z"),
                    "STOP",
                    "m",
                    0,
                    0));
        }
        assertThat(cuts).isBetween(1, 10);
        assertThat(appended).isGreaterThan(3 * cuts);
    }
}
