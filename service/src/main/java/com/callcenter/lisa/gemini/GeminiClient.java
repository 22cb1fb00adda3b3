package com.callcenter.lisa.gemini;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Candidate;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCallingConfig;
import com.google.genai.types.FunctionCallingConfigMode;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Calls Gemini for one turn through the official SDK. Every failure comes out as a
 * {@link GeminiFailure}; nothing here retries (that is the caller's policy, not the SDK's).
 */
@Component
public class GeminiClient {

    private static final Logger log = LoggerFactory.getLogger(GeminiClient.class);

    /**
     * Finish reasons that mean Google stopped the reply for its content. Whatever text came before
     * the stop is not shown to a customer; the caller's fallback line is.
     */
    private static final Set<String> BLOCKED =
            Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY");

    private static final tools.jackson.databind.json.JsonMapper TOOL_JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    /** Configs kept: the call contexts of a few hundred conversations (one per session with its own context). */
    static final int MAX_CONFIGS = 256;

    private record ConfigKey(String model, String instruction, List<ToolDeclaration> tools, boolean toolsOff) {}

    private final Client sdk;
    private final GeminiProperties properties;
    private final GeminiEndpoint endpoint;
    private final UpstreamState state;
    private final GeminiErrors errors;
    private final GenerationPlan plan;
    /**
     * Each tool as the SDK takes it, parsed once: the same few declarations (a persona's, fixed at start-up) go
     * with every turn, and the SDK's declarations are immutable.
     */
    private final Map<ToolDeclaration, FunctionDeclaration> declarations = new ConcurrentHashMap<>();
    /**
     * The configs of recent turns by what they are made of, least recently used first; guarded by itself. The
     * instruction is the same string for every turn of a session (the persona prompts keep it), so a lookup
     * compares it by reference.
     */
    private final Map<ConfigKey, GenerateContentConfig> configs = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ConfigKey, GenerateContentConfig> eldest) {
            return size() > MAX_CONFIGS;
        }
    };
    /** Lisa's earlier replies as the SDK takes them, parsed once for all the later turns that send them. */
    private final KeptContents kept = new KeptContents();

    GeminiClient(
            Client sdk,
            GeminiProperties properties,
            GeminiEndpoint endpoint,
            UpstreamState state,
            Clock clock,
            GenerationPlan plan) {
        this.sdk = sdk;
        this.properties = properties;
        this.endpoint = endpoint;
        this.state = state;
        this.errors = new GeminiErrors(clock, endpoint.apiKey());
        this.plan = plan;
    }

    /** The primary model, as reported to clients ({@code demo:} in demo mode). */
    public String modelName() {
        return reported(properties.model());
    }

    private String reported(String model) {
        return endpoint.demo() ? "demo:" + model : model;
    }

    public boolean demo() {
        return endpoint.demo();
    }

    /**
     * Asks a Gemini model for Lisa's next reply. Callers go through the quota scheduler, which
     * decides when and to which model.
     *
     * @throws GeminiFailure when no reply came, classified for the caller
     */
    public GeminiReply generate(String model, Prompt prompt) {
        try {
            GenerateContentResponse response =
                    sdk.models.generateContent(model, contents(model, prompt), config(model, prompt));
            state.succeeded();
            return reply(model, response, visibleText(response), parts(response));
        } catch (RuntimeException e) {
            throw failed(model, e);
        }
    }

    /**
     * Asks for Lisa's next reply through Gemini's streaming endpoint, handing each piece of visible
     * text to {@code onText} as soon as it arrives (on the calling thread).
     *
     * @return the whole reply once the stream has ended
     * @throws GeminiFailure when the stream could not be opened or broke off; {@link GeminiFailure#isMidReply()}
     *                       tells whether text had already been handed on
     */
    public GeminiReply stream(String model, Prompt prompt, Consumer<String> onText) {
        StringBuilder text = new StringBuilder();
        // Every chunk's parts, for the turn's model content: a Gemini 3 stream signs its last (empty) part.
        List<Part> received = new ArrayList<>();
        boolean handedOn = false;
        try (ResponseStream<GenerateContentResponse> stream =
                sdk.models.generateContentStream(model, contents(model, prompt), config(model, prompt))) {
            GenerateContentResponse last = null;
            Optional<GenerateContentResponseUsageMetadata> usage = Optional.empty();
            for (GenerateContentResponse chunk : stream) {
                last = chunk;
                if (chunk.usageMetadata().isPresent()) {
                    usage = chunk.usageMetadata();
                }
                received.addAll(parts(chunk));
                String piece = visibleText(chunk);
                if (!piece.isEmpty()) {
                    text.append(piece);
                    handedOn = true;
                    onText.accept(piece);
                }
            }
            if (last == null) {
                throw new GeminiFailure(
                        GeminiFailure.Kind.UNAVAILABLE, 0, "Gemini's stream ended without a chunk.", null, null);
            }
            state.succeeded();
            GenerateContentResponse whole = last.usageMetadata().isPresent() || usage.isEmpty()
                    ? last
                    : last.toBuilder().usageMetadata(usage.get()).build();
            return reply(model, whole, text.toString(), received);
        } catch (RuntimeException e) {
            GeminiFailure failure = failed(model, e);
            throw handedOn ? failure.midReply() : failure;
        }
    }

    /**
     * Asks for a JSON answer that follows {@code jsonSchema} (Gemini's structured output, the schema as
     * JSON Schema in {@code responseJsonSchema}). The answer is not checked here: the model may still
     * break the format, and the caller decides what to do then.
     *
     * @param jsonSchema the schema, as parsed JSON (maps and lists)
     * @throws GeminiFailure when no answer came
     */
    public GeminiReply generateJson(String model, Prompt prompt, Object jsonSchema) {
        try {
            GenerateContentConfig config = config(model, prompt).toBuilder()
                    .responseMimeType("application/json")
                    .responseJsonSchema(jsonSchema)
                    .build();
            GenerateContentResponse response = sdk.models.generateContent(model, contents(model, prompt), config);
            state.succeeded();
            return reply(model, response, visibleText(response), parts(response));
        } catch (RuntimeException e) {
            throw failed(model, e);
        }
    }

    /**
     * The settings {@code model} takes (checked at start-up), with this turn's system instruction and tools. The
     * same few (a persona's instruction for a call context, its tools) go with every turn of a conversation, so each
     * is built once; the SDK's config is immutable.
     */
    private GenerateContentConfig config(String model, Prompt prompt) {
        ConfigKey key = new ConfigKey(model, prompt.systemInstruction(), prompt.tools(), prompt.toolsOff());
        GenerateContentConfig found;
        synchronized (configs) {
            found = configs.get(key);
        }
        if (found != null) {
            return found;
        }
        GenerateContentConfig made = newConfig(model, prompt);
        synchronized (configs) {
            configs.put(key, made);
        }
        return made;
    }

    private GenerateContentConfig newConfig(String model, Prompt prompt) {
        GenerateContentConfig.Builder config = plan.configFor(model).toBuilder()
                .systemInstruction(Content.fromParts(Part.fromText(prompt.systemInstruction())));
        if (!prompt.tools().isEmpty()) {
            config.tools(Tool.builder()
                    .functionDeclarations(prompt.tools().stream()
                            .map(tool -> declarations.computeIfAbsent(tool, GeminiClient::declaration))
                            .toList())
                    .build());
            if (prompt.toolsOff()) {
                // Declared still (the history holds calls of them), but the model must answer in words.
                config.toolConfig(ToolConfig.builder()
                        .functionCallingConfig(
                                FunctionCallingConfig.builder().mode(FunctionCallingConfigMode.Known.NONE)));
            }
        }
        return config.build();
    }

    /** A persona's tool as Gemini reads it: the parameters as JSON Schema ({@code parametersJsonSchema}). */
    private static FunctionDeclaration declaration(ToolDeclaration tool) {
        return FunctionDeclaration.builder()
                .name(tool.name())
                .description(tool.description())
                .parametersJsonSchema(TOOL_JSON.readValue(tool.parametersJson(), java.util.Map.class))
                .build();
    }

    private GeminiFailure failed(String model, RuntimeException e) {
        GeminiFailure failure = errors.classify(e);
        state.failed(failure);
        log.warn("Gemini call to {} failed ({}): {}", model, failure.kind(), failure.getMessage());
        return failure;
    }

    private GeminiReply reply(String model, GenerateContentResponse response, String visibleText, List<Part> parts) {
        Optional<Candidate> candidate =
                response.candidates().flatMap(list -> list.stream().findFirst());
        String finishReason = candidate
                .flatMap(Candidate::finishReason)
                .map(Object::toString)
                .or(() -> response.promptFeedback()
                        .map(feedback -> feedback.blockReason()
                                .map(reason -> "PROMPT_BLOCKED_" + reason)
                                .orElse("PROMPT_BLOCKED")))
                .orElse("FINISH_REASON_UNSPECIFIED");
        boolean blocked = BLOCKED.contains(finishReason);
        String text = blocked ? "" : visibleText;
        return new GeminiReply(
                text,
                finishReason,
                reported(model),
                usage(response.usageMetadata()),
                blocked ? null : ModelParts.stored(parts, reported(model)));
    }

    private static List<Part> parts(GenerateContentResponse response) {
        return response.candidates()
                .flatMap(list -> list.stream().findFirst())
                .flatMap(Candidate::content)
                .flatMap(Content::parts)
                .orElse(List.of());
    }

    private static String visibleText(GenerateContentResponse response) {
        return response
                .candidates()
                .flatMap(list -> list.stream().findFirst())
                .flatMap(Candidate::content)
                .flatMap(Content::parts)
                .orElse(List.of())
                .stream()
                // Thought parts are the model's reasoning, never Lisa's words.
                .filter(part -> !part.thought().orElse(false))
                .map(part -> part.text().orElse(""))
                .reduce("", String::concat);
    }

    private static TokenUsage usage(Optional<GenerateContentResponseUsageMetadata> metadata) {
        // Gemini leaves zero counters out.
        return metadata.map(m -> new TokenUsage(
                        m.promptTokenCount().orElse(0),
                        m.candidatesTokenCount().orElse(0),
                        m.totalTokenCount().orElse(0),
                        m.cachedContentTokenCount().orElse(0),
                        m.thoughtsTokenCount().orElse(0)))
                .orElse(new TokenUsage(0, 0, 0, 0, 0));
    }

    /** The conversation for {@code model}: Lisa's replies as Gemini sent them, signatures only to their model. */
    private List<Content> contents(String model, Prompt prompt) {
        String called = reported(model);
        return prompt.messages().stream()
                .map(message -> ModelParts.content(message, called, kept))
                .toList();
    }
}
