package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** GenerateContentResponse / CountTokensResponse / Model JSON in the real field order. */
final class ResponseBodies {

    private ResponseBodies() {}

    /** Makes the thought signature of reply part {@code index} (the call, or null for text). */
    @FunctionalInterface
    interface Signer {
        String sign(int index, JsonNode functionCall);
    }

    /**
     * What a reply reports besides its text.
     *
     * @param cachedTokens usageMetadata.cachedContentTokenCount (0: left out)
     * @param thoughtTokens usageMetadata.thoughtsTokenCount (0: left out)
     * @param thoughtSummary text of a leading {@code "thought": true} part, or null for none
     * @param signer null when the model puts no thought signatures on its parts
     */
    record Turn(
            int promptTokens,
            int cachedTokens,
            int thoughtTokens,
            String thoughtSummary,
            Signer signer,
            String model,
            String responseId) {

        static Turn plain(int promptTokens, String model, String responseId) {
            return new Turn(promptTokens, 0, 0, null, null, model, responseId);
        }
    }

    static ObjectNode unary(Reply reply, int promptTokens, String model, String responseId) {
        return unary(reply, Turn.plain(promptTokens, model, responseId));
    }

    static List<ObjectNode> stream(Reply reply, int promptTokens, String model, String responseId) {
        return stream(reply, Turn.plain(promptTokens, model, responseId));
    }

    /**
     * One body: an optional thought part, then the text (or function-call) part; a model with
     * signatures signs that part, as recorded for gemini-3.7-flash.
     */
    static ObjectNode unary(Reply reply, Turn turn) {
        ObjectNode root = Json.object();
        ArrayNode parts = candidateParts(root, reply.finishReason());
        if (turn.thoughtSummary() != null) {
            parts.addObject().put("text", turn.thoughtSummary()).put("thought", true);
        }
        ObjectNode main = mainPart(parts, reply, reply.text());
        sign(turn, main, parts.size() - 1, reply);
        finish(root, turn, reply.tokens());
        return root;
    }

    /**
     * Stream chunks: each carries its part of the text and the cumulative usage so far; only the last
     * one has finishReason, as in recorded streams. A thought summary comes first in a chunk of its
     * own; with signatures the text ends with a chunk holding an empty text part that carries the
     * signature (as recorded for gemini-3.6/3.7-flash), a function call is one signed chunk.
     */
    static List<ObjectNode> stream(Reply reply, Turn turn) {
        List<ObjectNode> chunks = new ArrayList<>();
        if (turn.thoughtSummary() != null) {
            ObjectNode root = Json.object();
            candidateParts(root, null)
                    .addObject()
                    .put("text", turn.thoughtSummary())
                    .put("thought", true);
            finish(root, turn, 0);
            chunks.add(root);
        }
        if (reply.functionCall() != null) {
            ObjectNode root = Json.object();
            ArrayNode parts = candidateParts(root, reply.finishReason());
            sign(turn, mainPart(parts, reply, ""), 0, reply);
            finish(root, turn, reply.tokens());
            chunks.add(root);
            return chunks;
        }
        List<String> pieces = reply.chunks();
        boolean signed = turn.signer() != null;
        StringBuilder soFar = new StringBuilder();
        for (int i = 0; i < pieces.size(); i++) {
            soFar.append(pieces.get(i));
            boolean last = i == pieces.size() - 1 && !signed;
            ObjectNode root = Json.object();
            candidateParts(root, last ? reply.finishReason() : null).addObject().put("text", pieces.get(i));
            finish(root, turn, Tokens.of(soFar.toString()));
            chunks.add(root);
        }
        if (signed) {
            ObjectNode root = Json.object();
            ArrayNode parts = candidateParts(root, reply.finishReason());
            ObjectNode empty = parts.addObject().put("text", "");
            sign(turn, empty, chunks.size(), reply);
            finish(root, turn, reply.tokens());
            chunks.add(root);
        }
        return chunks;
    }

    static ObjectNode countTokens(int totalTokens) {
        ObjectNode root = Json.object();
        root.put("totalTokens", totalTokens);
        promptDetails(root, totalTokens);
        return root;
    }

    /** The models.get resource, in the field order of the real API. */
    static ObjectNode model(ModelProfile profile) {
        ObjectNode root = Json.object();
        root.put("name", "models/" + profile.id());
        root.put("version", "001");
        root.put("displayName", profile.displayName());
        root.put("description", profile.displayName() + " (Gemini API emulator, rules: " + profile.source() + ")");
        root.put("inputTokenLimit", profile.inputTokenLimit());
        root.put("outputTokenLimit", profile.outputTokenLimit());
        ArrayNode methods = root.putArray("supportedGenerationMethods");
        methods.add("generateContent")
                .add("countTokens")
                .add("createCachedContent")
                .add("batchGenerateContent");
        root.put("temperature", 1);
        root.put("topP", 0.95);
        root.put("topK", 64);
        root.put("maxTemperature", 2);
        root.put("thinking", !ModelProfile.ANY.equals(profile.thinking()) || profile.defaultThinkingLevel() != null);
        return root;
    }

    private static ArrayNode candidateParts(ObjectNode root, String finishReason) {
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        ArrayNode parts = content.putArray("parts");
        content.put("role", "model");
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        return parts;
    }

    private static ObjectNode mainPart(ArrayNode parts, Reply reply, String text) {
        ObjectNode part = parts.addObject();
        if (reply.functionCall() != null) {
            part.set("functionCall", reply.functionCall().deepCopy());
        } else {
            part.put("text", text);
        }
        return part;
    }

    private static void sign(Turn turn, ObjectNode part, int index, Reply reply) {
        if (turn.signer() != null) {
            part.put("thoughtSignature", turn.signer().sign(index, reply.functionCall()));
        }
    }

    private static void finish(ObjectNode root, Turn turn, int candidateTokens) {
        ObjectNode usage = root.putObject("usageMetadata");
        int prompt = turn.promptTokens();
        usage.put("promptTokenCount", prompt);
        if (candidateTokens > 0) { // the real API omits zero counters
            usage.put("candidatesTokenCount", candidateTokens);
        }
        usage.put("totalTokenCount", prompt + candidateTokens + turn.thoughtTokens());
        if (turn.cachedTokens() > 0) {
            usage.put("cachedContentTokenCount", turn.cachedTokens());
        }
        promptDetails(usage, prompt);
        if (turn.cachedTokens() > 0) {
            usage.putArray("cacheTokensDetails")
                    .addObject()
                    .put("modality", "TEXT")
                    .put("tokenCount", turn.cachedTokens());
        }
        if (turn.thoughtTokens() > 0) {
            usage.put("thoughtsTokenCount", turn.thoughtTokens());
        }
        root.put("modelVersion", turn.model());
        root.put("responseId", turn.responseId());
    }

    private static void promptDetails(ObjectNode target, int tokens) {
        target.putArray("promptTokensDetails")
                .addObject()
                .put("modality", "TEXT")
                .put("tokenCount", tokens);
    }
}
