package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the demo mode's emulator answers beyond the rules every emulator follows ({@link EmulatorConfig#demoAnswers}):
 * enough of a sales agent to show the service's features without a Gemini key, and honest about it. Deterministic,
 * from the request alone:
 *
 * <ul>
 *   <li>The customer asks for a callback ("Rückruf", "zurückrufen", "rufen Sie mich ... an/zurück", "callback") and the
 *       request declares a tool {@code book_callback}: the model calls it, once per message, with {@code when} =
 *       the next day, 10:00 Berlin time, and {@code topic} = the message.
 *   <li>After function responses: "Erledigt." and each response, quoted.
 *   <li>The customer asks for a price ("kostet", "Preis", "Tarif", "€", "price", "cost"): the model quotes the
 *       line of its system instruction (the persona's knowledge) that has a price and the most of the message's
 *       words, prefixed with "Laut unserem Katalog:". Without such a line, the default reply.
 * </ul>
 */
final class DemoAnswers {

    /** The demo persona's callback tool. */
    static final String CALLBACK_TOOL = "book_callback";

    private static final Pattern CALLBACK = Pattern.compile(
            "(?iu)(r[üu]ckruf|zur[üu]ck\\s*ruf|rufen\\s+sie\\s+mich\\b.*\\b(an|zur[üu]ck)\\b|call\\s*back)");
    private static final Pattern PRICE = Pattern.compile("(?iu)(kost|preis|tarif|€|euro|price|cost)");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private DemoAnswers() {}

    /** The demo reply to the request, or null when no demo rule applies. */
    static Reply answer(ModelRequest request, Clock clock) {
        FunctionCalling.Asked asked = FunctionCalling.asked(request.contents());
        if (!asked.responses().isEmpty()) {
            StringBuilder text = new StringBuilder("Erledigt.");
            for (JsonNode response : asked.responses()) {
                text.append(' ')
                        .append(response.path("name").asText())
                        .append(": ")
                        .append(Json.oneLine(response.path("response")));
            }
            return Reply.of(text.toString(), request);
        }
        String message = asked.message();
        if (asked.answered() == 0
                && CALLBACK.matcher(message).find()
                && FunctionCalling.declaredTools(request.root()).contains(CALLBACK_TOOL)
                && !FunctionCalling.modeNone(request.root())) {
            ObjectNode args = Json.object();
            args.put(
                    "when",
                    ZonedDateTime.now(clock.withZone(BERLIN))
                            .plusDays(1)
                            .with(LocalTime.of(10, 0))
                            .toOffsetDateTime()
                            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            args.put("topic", message.length() <= 200 ? message : message.substring(0, 200));
            Reply reply = Reply.functionCall(CALLBACK_TOOL, args);
            reply.functionCall().put("id", "call-1");
            return reply;
        }
        if (PRICE.matcher(message).find()) {
            String line = catalogueLine(instruction(request), message);
            if (line != null) {
                return Reply.of("Laut unserem Katalog: " + line, request);
            }
        }
        return null;
    }

    /** The line with a price that shares the most words (of 3+ letters, or numbers) with the message; first wins. */
    static String catalogueLine(String instruction, String message) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(message.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            String word = matcher.group();
            if (word.length() >= 3 || word.chars().allMatch(Character::isDigit)) {
                words.add(word);
            }
        }
        String best = null;
        int bestScore = 0;
        for (String raw : instruction.split("\n")) {
            String line = raw.strip();
            if (!line.contains("€")) {
                continue;
            }
            List<String> lineWords = new ArrayList<>();
            Matcher inLine = WORD.matcher(line.toLowerCase(Locale.ROOT));
            while (inLine.find()) {
                lineWords.add(inLine.group());
            }
            int score =
                    (int) words.stream().distinct().filter(lineWords::contains).count();
            if (score > bestScore) {
                best = line.startsWith("- ") ? line.substring(2) : line;
                bestScore = score;
            }
        }
        return best;
    }

    private static String instruction(ModelRequest request) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : request.systemInstruction().path("parts")) {
            text.append(part.path("text").asText("")).append('\n');
        }
        return text.toString();
    }
}
