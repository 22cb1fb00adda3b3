package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The emulator's thought signatures: opaque standard base64 (what the SDK's {@code byte[]
 * thoughtSignature} round-trips unchanged), 32 bytes = a 16-byte nonce derived from the model, the
 * request body and the part's index (so the same request gets the same signature and tests can
 * compare) and a 16-byte tag over the model, the nonce and, for a function call, its name and
 * arguments. So a signature is checked without remembering it: it is valid only for the model that
 * made it and, on a function-call part, only for that call. Text-part signatures are bound to the
 * model alone, so a client that joins streamed text still sends back a valid one.
 */
final class Signatures {

    /**
     * The placeholders Google documents for function calls it did not make for this model (history from
     * another model, calls a client injects): ai.google.dev/gemini-api/docs/thought-signatures, FAQs ("you can
     * set the following dummy signatures of either context_engineering_is_the_way_to_go or
     * skip_thought_signature_validator"); Vertex AI's guide names the second. Accepted in place of a real
     * signature, in either form a client can send: the text itself (the REST examples) or, what an SDK sends
     * for its {@code byte[] thoughtSignature}, the standard base64 of the text's bytes.
     */
    static final List<String> PLACEHOLDERS =
            List.of("skip_thought_signature_validator", "context_engineering_is_the_way_to_go");

    private static final byte[] KEY = "lisa-emulator-thought-signature-v1".getBytes(StandardCharsets.UTF_8);

    private Signatures() {}

    /** The signature for part {@code index} of the reply to {@code requestBody}. */
    static String sign(String model, String requestBody, int index, JsonNode functionCall) {
        byte[] nonce = Arrays.copyOf(
                sha256(
                        utf8(model),
                        utf8(requestBody),
                        ByteBuffer.allocate(4).putInt(index).array()),
                16);
        byte[] tag = tag(model, nonce, functionCall);
        return Base64.getEncoder()
                .encodeToString(ByteBuffer.allocate(32).put(nonce).put(tag).array());
    }

    /** Whether {@code signature} was made by this emulator for this model and this part. */
    static boolean valid(String model, String signature, JsonNode functionCall) {
        if (isPlaceholder(signature)) {
            return true;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        if (raw.length != 32) {
            return false;
        }
        byte[] nonce = Arrays.copyOf(raw, 16);
        return MessageDigest.isEqual(Arrays.copyOfRange(raw, 16, 32), tag(model, nonce, functionCall));
    }

    /** One of Google's placeholders, as its text or as the base64 of the text's bytes; nothing else. */
    static boolean isPlaceholder(String signature) {
        for (String placeholder : PLACEHOLDERS) {
            if (signature.equals(placeholder)
                    || signature.equals(Base64.getEncoder().encodeToString(utf8(placeholder)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * With checking on, every model function-call part of the request must carry a signature this
     * emulator made for this model and call, and every other signature sent must be one of ours for
     * this model, or one of Google's placeholders. Google checks only the current turn's calls; the emulator checks the whole history,
     * which is stricter and what a test of "send the parts back unchanged" wants.
     */
    static void check(ModelRequest request, String model) throws ApiError {
        List<JsonNode> contents = request.contents();
        for (int c = 0; c < contents.size(); c++) {
            JsonNode content = contents.get(c);
            if (!"model".equals(content.path("role").asText())) {
                continue;
            }
            for (JsonNode part : content.path("parts")) {
                JsonNode call = ModelRequest.field(part, "functionCall", "function_call");
                JsonNode signature = ModelRequest.field(part, "thoughtSignature", "thought_signature");
                boolean isCall = call.isObject();
                if (isCall && !signature.isTextual()) {
                    // live text quoted in many issue threads (e.g. manthanabc/paws#103); "position" is the
                    // 1-based index of the content in contents, as the quoted examples suggest
                    throw ErrorBodies.invalidArgument(
                            "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:%s` , position %d. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
                                    .formatted(call.path("name").asText(), c + 1));
                }
                if (signature.isTextual() && !valid(model, signature.asText(), isCall ? call : null)) {
                    // the short live text reported for a signature another model or route made
                    throw ErrorBodies.invalidArgument("Corrupted thought signature.");
                }
            }
        }
    }

    private static byte[] tag(String model, byte[] nonce, JsonNode functionCall) {
        String bound = functionCall == null
                ? "text"
                : "call:"
                        + functionCall.path("name").asText()
                        + ":"
                        + canonical(ModelRequest.field(functionCall, "args", "args"));
        return Arrays.copyOf(sha256(KEY, utf8(model), nonce, utf8(bound)), 16);
    }

    /** JSON with object keys sorted, so a client that reorders the args keeps a valid signature. */
    static String canonical(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "null";
        }
        if (node.isObject()) {
            Map<String, String> sorted = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            StringBuilder out = new StringBuilder("{");
            sorted.forEach((k, v) -> out.append(Json.MAPPER.getNodeFactory().textNode(k))
                    .append(':')
                    .append(v)
                    .append(','));
            return out.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder out = new StringBuilder("[");
            node.forEach(e -> out.append(canonical(e)).append(','));
            return out.append(']').toString();
        }
        if (node.isNumber()) {
            return node.decimalValue().stripTrailingZeros().toPlainString();
        }
        return node.toString();
    }

    private static byte[] sha256(byte[]... pieces) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] piece : pieces) {
                digest.update(ByteBuffer.allocate(4).putInt(piece.length).array());
                digest.update(piece);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
