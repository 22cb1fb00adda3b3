package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini function calling, deterministic: what a test writes in the customer's message decides which
 * declared tools the model calls, one per request, so a test can drive any number of tool rounds.
 *
 * <ul>
 *   <li>The customer's message is the text of the last {@code user} content that is not a function
 *       response. Every whole-word occurrence in it of a name declared in {@code
 *       tools[].functionDeclarations[]} is one call, in the order of the text; {@code NAME
 *       args:{json}} gives that call's arguments ({@code {}} without).
 *   <li>The function responses after that message count the calls already made: with n of them, the
 *       model makes the (n+1)-th call, or, once every occurrence has been answered, replies in words,
 *       quoting the responses of the last content (so the turn ends).
 *   <li>{@code toolConfig.functionCallingConfig.mode: NONE} means no calls: the model replies in words.
 *   <li>Every {@code functionResponse} content must answer the function calls of the model content
 *       right before it: same number, same names, same ids where the call had one; else 400
 *       INVALID_ARGUMENT, as the real API answers a mismatched count.
 * </ul>
 */
final class FunctionCalling {

    private static final Pattern ARGS = Pattern.compile("\\s*args:\\s*(?=\\{)");

    private FunctionCalling() {}

    /** 400 when a function response content does not answer the calls right before it. */
    static void check(ModelRequest request) throws ApiError {
        List<JsonNode> contents = request.contents();
        for (int i = 0; i < contents.size(); i++) {
            List<JsonNode> responses = parts(contents.get(i), "functionResponse", "function_response");
            if (responses.isEmpty()) {
                continue;
            }
            List<JsonNode> calls = i == 0 ? List.of() : parts(contents.get(i - 1), "functionCall", "function_call");
            if (calls.size() != responses.size()) {
                // live text of the Gemini API for a response count that does not match the call count
                throw ErrorBodies.invalidArgument(
                        "Please ensure that the number of function response parts is equal to the number of"
                                + " function call parts of the function call turn.");
            }
            for (int k = 0; k < calls.size(); k++) {
                JsonNode call = calls.get(k);
                JsonNode response = responses.get(k);
                String callName = call.path("name").asText();
                String responseName = response.path("name").asText();
                String callId = call.path("id").asText("");
                String responseId = response.path("id").asText("");
                // INVENTED wording: no live text recorded for a name or id that does not match its call
                if (!callName.equals(responseName)) {
                    throw ErrorBodies.invalidArgument(
                            "Function response %d of contents[%d] is named \"%s\" but answers the function call \"%s\"."
                                    .formatted(k, i, responseName, callName));
                }
                if (!callId.isEmpty() && !callId.equals(responseId)) {
                    throw ErrorBodies.invalidArgument(
                            "Function response %d of contents[%d] has id \"%s\" but answers the function call with id \"%s\"."
                                    .formatted(k, i, responseId, callId));
                }
            }
        }
    }

    /**
     * The reply the rules above give, or null when they do not apply (no tools declared and no function
     * response last: the default reply).
     */
    static Reply answer(ModelRequest request) {
        Asked asked = asked(request.contents());
        List<JsonNode> lastResponses = asked.responses();
        List<String> tools = declaredTools(request.root());
        if (!tools.isEmpty() && !modeNone(request.root())) {
            int answered = asked.answered();
            List<ObjectNode> calls = calls(asked.message(), tools);
            if (answered < calls.size()) {
                ObjectNode call = calls.get(answered);
                Reply reply = Reply.functionCall(call.path("name").asText(), (ObjectNode) call.get("args"));
                reply.functionCall().put("id", "call-" + (answered + 1));
                return reply;
            }
        }
        if (lastResponses.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder(Reply.lisaText(request));
        for (JsonNode response : lastResponses) {
            text.append(" Ergebnis von ")
                    .append(response.path("name").asText())
                    .append(": ")
                    .append(Json.oneLine(response.path("response")));
        }
        return Reply.of(text.toString(), request);
    }

    /**
     * Where the conversation stands with tools.
     *
     * @param message the customer's message: the text of the last user content that is not function responses
     * @param answered the function responses after it (the calls already made for it)
     * @param responses the function responses of the last content (empty when it is not one)
     */
    record Asked(String message, int answered, List<JsonNode> responses) {}

    static Asked asked(List<JsonNode> contents) {
        List<JsonNode> lastResponses =
                parts(contents.get(contents.size() - 1), "functionResponse", "function_response");
        int answered = 0;
        String message = "";
        for (int i = contents.size() - 1; i >= 0; i--) {
            JsonNode content = contents.get(i);
            if ("model".equals(content.path("role").asText())) {
                continue;
            }
            List<JsonNode> responses = parts(content, "functionResponse", "function_response");
            if (responses.isEmpty()) {
                message = text(content);
                break;
            }
            answered += responses.size();
        }
        return new Asked(message, answered, lastResponses);
    }

    /** The calls the message asks for, in its order: {name, args}. */
    static List<ObjectNode> calls(String message, List<String> tools) {
        List<int[]> found = new ArrayList<>(); // start, end, tool index
        for (int t = 0; t < tools.size(); t++) {
            Matcher matcher = Pattern.compile("(?<![\\w-])" + Pattern.quote(tools.get(t)) + "(?![\\w-])")
                    .matcher(message);
            while (matcher.find()) {
                found.add(new int[] {matcher.start(), matcher.end(), t});
            }
        }
        found.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<ObjectNode> calls = new ArrayList<>();
        for (int[] at : found) {
            ObjectNode call = Json.object();
            call.put("name", tools.get(at[2]));
            call.set("args", args(message, at[1]));
            calls.add(call);
        }
        return calls;
    }

    private static ObjectNode args(String message, int from) {
        Matcher matcher = ARGS.matcher(message);
        if (matcher.region(from, message.length()).lookingAt()) {
            try (JsonParser parser = Json.MAPPER.getFactory().createParser(message.substring(matcher.end()))) {
                JsonNode value = Json.MAPPER
                        .reader()
                        .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .readTree(parser);
                if (value instanceof ObjectNode object) {
                    return object;
                }
            } catch (IOException ignored) {
                // not JSON: no arguments, as a model would call with what it understood
            }
        }
        return Json.object();
    }

    static List<String> declaredTools(JsonNode root) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : root.path("tools")) {
            for (JsonNode declaration : ModelRequest.field(tool, "functionDeclarations", "function_declarations")) {
                String name = declaration.path("name").asText("");
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    static boolean modeNone(JsonNode root) {
        JsonNode config = ModelRequest.field(
                ModelRequest.field(root, "toolConfig", "tool_config"),
                "functionCallingConfig",
                "function_calling_config");
        return "NONE".equals(config.path("mode").asText(""));
    }

    private static List<JsonNode> parts(JsonNode content, String camel, String snake) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode part : content.path("parts")) {
            JsonNode value = ModelRequest.field(part, camel, snake);
            if (value.isObject()) {
                found.add(value);
            }
        }
        return found;
    }

    private static String text(JsonNode content) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content.path("parts")) {
            if (!part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }
}
