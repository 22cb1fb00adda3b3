package com.callcenter.lisa.gemini;

import com.google.genai.types.Content;
import com.google.genai.types.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 * on the wire) goes out exactly as it came in.
 */
final class ModelParts {

    private ModelParts() {}

    /** The parts to keep from what Gemini sent, as JSON; null when nothing is left to send back. */
    static String stored(List<Part> received) {
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
        return Content.builder().role("model").parts(kept).build().toJson();
    }

    private static StringBuilder flush(List<Part> kept, StringBuilder run) {
        if (run != null) {
            kept.add(Part.fromText(run.toString()));
        }
        return null;
    }

    /**
     * The content to send for one message. A reply of Lisa's with kept parts goes back as received when
     * {@code calledModel} made them; for another model (the turn was answered by a fallback model, or the
     * model was changed) its signatures are left out, since they are valid only for the model that made
     * them, and the text stays. Messages without kept parts (the customer's, turns stored before parts
     * were kept) go as text.
     */
    static Content content(Prompt.Message message, String calledModel) {
        String role = message.role() == Prompt.Role.USER ? "user" : "model";
        if (message.role() == Prompt.Role.USER && message.modelParts() != null) {
            return Content.fromJson(message.modelParts()); // function responses: no signatures, any model
        }
        if (message.role() == Prompt.Role.MODEL && message.modelParts() != null) {
            Content stored = Content.fromJson(message.modelParts());
            if (calledModel.equals(message.answeredBy())) {
                return stored;
            }
            List<Part> unsigned = new ArrayList<>();
            for (Part part : stored.parts().orElse(List.of())) {
                if (part.thought().orElse(false)) {
                    continue; // only a signature, and not for this model
                }
                Part stripped = part.toBuilder().clearThoughtSignature().build();
                if (!stripped.equals(Part.fromText(""))) {
                    unsigned.add(stripped);
                }
            }
            if (!unsigned.isEmpty()) {
                return Content.builder().role(role).parts(unsigned).build();
            }
        }
        return Content.builder().role(role).parts(Part.fromText(message.text())).build();
    }
}
