package com.callcenter.lisa.gemini;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Function calling in the JSON of kept model contents ({@link GeminiReply#modelParts()}): the calls a reply
 * asks for, the content that answers them, and the history of a turn that used tools.
 *
 * <p>A turn that used tools keeps all its contents, in order, as one JSON array: the model's call contents
 * (with their thought signatures, as received), the user contents of function responses, and Lisa's final
 * model content. A turn without tools keeps its one model content as a JSON object, as before.
 */
public final class FunctionCalls {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FunctionCalls() {}

    /** One call the model asked for: {@code args} is {@code {}} when it sent none; {@code id} may be null. */
    public record Call(String id, String name, JsonNode args) {}

    /** A result for one call: {@code response} is a JSON object (Gemini takes nothing else). */
    public record Answer(String id, String name, JsonNode response) {}

    /** The function calls of a kept model content, in order; none for null or a content without calls. */
    public static List<Call> requested(String modelParts) {
        // Nearly every reply asks for none: its JSON is not parsed on every turn to find that out.
        if (modelParts == null || !modelParts.contains("\"functionCall\"")) {
            return List.of();
        }
        JsonNode content = JSON.readTree(modelParts);
        List<Call> calls = new ArrayList<>();
        for (JsonNode part : content.path("parts")) {
            JsonNode call = part.path("functionCall");
            if (call.isObject()) {
                JsonNode args = call.path("args");
                calls.add(new Call(
                        call.hasNonNull("id") ? call.get("id").asString() : null,
                        call.path("name").asString(""),
                        args.isObject() ? args : JSON.createObjectNode()));
            }
        }
        return calls;
    }

    /** The user content that answers the calls: one functionResponse part per answer, in order. */
    public static String responses(List<Answer> answers) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("role", "user");
        ArrayNode parts = content.putArray("parts");
        for (Answer answer : answers) {
            ObjectNode response = parts.addObject().putObject("functionResponse");
            if (answer.id() != null) {
                response.put("id", answer.id());
            }
            response.put("name", answer.name());
            response.set("response", answer.response());
        }
        return JSON.writeValueAsString(content);
    }

    /** A model content of plain text: Lisa's final words when they are ours (the fallback line), not Gemini's. */
    public static String textContent(String text) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("role", "model");
        content.putArray("parts").addObject().put("text", text);
        return JSON.writeValueAsString(content);
    }

    /** The kept contents of a turn that used tools, as one JSON array. */
    public static String sequence(List<String> contents) {
        return "[" + String.join(",", contents) + "]";
    }

    /**
     * The messages that stand for Lisa's side of a stored turn: her reply with its kept content, or, for a turn
     * that used tools, each kept content in order (calls as model messages, function responses as user ones).
     */
    public static List<Prompt.Message> replyMessages(String reply, String modelParts, String model) {
        if (modelParts == null || !modelParts.stripLeading().startsWith("[")) {
            return List.of(new Prompt.Message(Prompt.Role.MODEL, reply, modelParts, model));
        }
        List<Prompt.Message> messages = new ArrayList<>();
        JsonNode contents = JSON.readTree(modelParts);
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            String json = JSON.writeValueAsString(content);
            if ("user".equals(content.path("role").asString(""))) {
                messages.add(new Prompt.Message(Prompt.Role.USER, "", json, null));
            } else {
                messages.add(new Prompt.Message(Prompt.Role.MODEL, i == contents.size() - 1 ? reply : "", json, model));
            }
        }
        return messages;
    }
}
