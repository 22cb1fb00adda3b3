package com.callcenter.lisa.gemini;

import com.google.genai.types.Content;
import com.google.genai.types.Part;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lisa's replies as Gemini sent them, kept to be sent back. Gemini 3 signs its reply parts
 * ({@code thoughtSignature}) and asks clients to return the model's parts unchanged in later requests
 * (required for function calls, better answers without); a signature is valid only for the model that
 * made it.
 *
 * <p>What is kept, following Google's thought-signature guide (ai.google.dev/gemini-api/docs/thought-signatures):
 * every part in the order received, each signature on the part it came on (a part with a signature is never
 * merged with another, so the empty text part that ends a Gemini 3 stream stays a part of its own); runs of
 * plain unsigned text parts (the pieces of a stream) are joined into one, which changes nothing Gemini reads.
 * Thought parts ({@code thought: true}) are the model's reasoning summary, never Lisa's words: their text is
 * dropped; one that carries a signature is kept as a thought part with the signature and no text (the
 * signature is what Gemini needs back, the summary text is not read back), one without is dropped.
 *
 * <p>The JSON is the SDK's own form of a {@link Content}, so a signature (bytes in the SDK, standard base64
 * on the wire) goes out exactly as it came in, plus the name of the model that made it ({@link #MADE_BY}).
 */
final class ModelParts {

    private ModelParts() {}

    /**
     * The field of a kept content that names the model that made it, so that each content of a turn goes back
     * with its signatures only to its own model even when the turn's rounds were answered by different models.
     * Not a field of Gemini's: the SDK ignores it when it reads the content, so it never goes to Gemini.
     */
    static final String MADE_BY = "madeBy";

    /**
     * Google's placeholder for a function call's signature where the model called did not make the call (history
     * from another model, calls the client injects): Gemini 3 refuses a call part without a signature (400), and a
     * signature another model made is not valid either. Google's thought-signature guide,
     * https://ai.google.dev/gemini-api/docs/thought-signatures (FAQs): "you can set the following dummy
     * signatures of either context_engineering_is_the_way_to_go or skip_thought_signature_validator"; Vertex AI's
     * guide (https://cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures, REST or manual handling)
     * names the second, so it is the one both accept. The SDK's signature is bytes: these are the text's bytes
     * (base64 of them on the wire, as every Gen AI SDK sends it).
     */
    static final byte[] PLACEHOLDER = "skip_thought_signature_validator".getBytes(StandardCharsets.UTF_8);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The parts to keep from what {@code model} (as reported) sent, as JSON with the model's name; null when
     * nothing is left to send back.
     */
    static String stored(List<Part> received, String model) {
        List<Part> kept = new ArrayList<>(received.size());
        StringBuilder run = null;
        for (Part part : received) {
            if (part.thought().orElse(false)) {
                if (part.thoughtSignature().isPresent()) {
                    run = flush(kept, run);
                    kept.add(Part.builder()
                            .thought(true)
                            .thoughtSignature(part.thoughtSignature().get())
                            .build());
                }
                continue;
            }
            Optional<String> text = part.text();
            if (text.isPresent() && Part.fromText(text.get()).equals(part)) {
                run = run == null ? new StringBuilder(text.get()) : run.append(text.get());
                continue;
            }
            run = flush(kept, run);
            kept.add(part);
        }
        flush(kept, run);
        if (kept.isEmpty()) {
            return null;
        }
        return withMadeBy(Content.builder().role("model").parts(kept).build().toJson(), model);
    }

    /**
     * The SDK's JSON of a content (an object) with {@link #MADE_BY} added as its last field. Spliced into the text
     * instead of parsed and written again: the same JSON, without a second parse and write of a whole reply on
     * every turn.
     */
    static String withMadeBy(String contentJson, String model) {
        int end = contentJson.lastIndexOf('}');
        if (end < 0 || contentJson.charAt(0) != '{') {
            throw new IllegalArgumentException("Not a JSON object: " + contentJson);
        }
        int last = end - 1;
        while (Character.isWhitespace(contentJson.charAt(last))) {
            last--;
        }
        String field = "\"" + MADE_BY + "\":" + JSON.writeValueAsString(model);
        return contentJson.substring(0, end) + (last == 0 ? "" : ",") + field + contentJson.substring(end);
    }

    private static StringBuilder flush(List<Part> kept, StringBuilder run) {
        if (run != null) {
            kept.add(Part.fromText(run.toString()));
        }
        return null;
    }

    /**
     * The content to send for one message. A reply of Lisa's with kept parts goes back as received to the model
     * that made them (the content's {@link #MADE_BY}, else, for contents kept before it was recorded, the
     * message's {@code answeredBy}). Another model (a fallback answers, or the model was changed or retired)
     * gets the text without signatures, since they are valid only for the model that made them, and each function
     * call with {@link #PLACEHOLDER} instead of its signature: without one Gemini 3 refuses the request. Messages
     * without kept parts (the customer's, turns stored before parts were kept) go as text.
     */
    static Content content(Prompt.Message message, String calledModel) {
        return content(message, calledModel, ModelParts::parse);
    }

    /**
     * {@link #content(Prompt.Message, String)} with the kept contents read by {@code parsed} (a {@link KeptContents}
     * that parses each of them once instead of on every turn).
     */
    static Content content(Prompt.Message message, String calledModel, Function<String, Parsed> parsed) {
        String role = message.role() == Prompt.Role.USER ? "user" : "model";
        if (message.role() == Prompt.Role.USER && message.modelParts() != null) {
            return parsed.apply(message.modelParts()).content(); // function responses: no signatures, any model
        }
        if (message.role() == Prompt.Role.MODEL && message.modelParts() != null) {
            Parsed kept = parsed.apply(message.modelParts());
            Content stored = kept.content();
            String madeBy = kept.madeBy() != null ? kept.madeBy() : message.answeredBy();
            if (calledModel.equals(madeBy)) {
                return stored;
            }
            List<Part> forOther = new ArrayList<>();
            for (Part part : stored.parts().orElse(List.of())) {
                if (part.thought().orElse(false)) {
                    continue; // only a signature, and not for this model
                }
                if (part.functionCall().isPresent()) {
                    forOther.add(part.toBuilder().thoughtSignature(PLACEHOLDER).build());
                    continue;
                }
                Part stripped = part.toBuilder().clearThoughtSignature().build();
                if (!stripped.equals(Part.fromText(""))) {
                    forOther.add(stripped);
                }
            }
            if (!forOther.isEmpty()) {
                return Content.builder().role(role).parts(forOther).build();
            }
        }
        return Content.builder().role(role).parts(Part.fromText(message.text())).build();
    }

    /**
     * A kept content as the SDK reads it, and the model that made it ({@link #MADE_BY}; null for contents kept
     * before it was recorded). Both are immutable, so one parse serves every later turn that sends it.
     */
    record Parsed(Content content, String madeBy) {}

    /** Reads a kept content (the SDK ignores {@link #MADE_BY}, which is read here). */
    static Parsed parse(String json) {
        JsonNode maker = JSON.readTree(json).path(MADE_BY);
        return new Parsed(Content.fromJson(json), maker.isString() ? maker.asString() : null);
    }
}
