package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request pipeline. Order of checks, each able to end the request:
 *
 * <ol>
 *   <li>route (POST to one of the emulated paths, GET for models.get) - 404
 *   <li>API key ({@code x-goog-api-key} header or {@code ?key=}) - 400 API_KEY_INVALID
 *   <li>model (when the config restricts models, or the model is retired) - 404 NOT_FOUND; a
 *       models.get of a served model is answered here
 *   <li>body validation, then the model profile's rules, (check mode) thought signatures and
 *       function responses that do not answer their calls - 400 INVALID_ARGUMENT
 *   <li>script: the next {@link ScriptedAnswer} answers a model call, bypassing quota and latency
 *   <li>quota (model calls only; countTokens is free) - 429 RESOURCE_EXHAUSTED
 *   <li>latency, then the reply: a function call or the words after function responses (see
 *       {@link FunctionCalling}), else the default text
 * </ol>
 */
final class ApiHandler implements HttpHandler {

    private final EmulatorConfig config;
    private final EmulatorState state;

    ApiHandler(EmulatorConfig config, EmulatorState state) {
        this.config = config;
        this.state = state;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        // read the whole body first: the JDK server can only reuse a connection whose request was read
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Route route = Route.parse(
                exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery());
        state.requests.record(exchange, route, body);
        try {
            answer(exchange, route, body);
        } catch (ApiError error) {
            state.count(error.outcome());
            sendError(exchange, error);
        } catch (RuntimeException bug) {
            if (bug instanceof Wire.ConnectionDropped) {
                throw bug;
            }
            state.count(Outcome.INTERNAL_ERROR);
            if (exchange.getResponseCode() == -1) { // headers not sent yet: the client gets a real 500
                sendError(exchange, ErrorBodies.internal(bug.toString()));
            }
            throw bug;
        }
    }

    private void answer(HttpExchange exchange, Route route, String body) throws ApiError, IOException {
        if (route == null || !route.httpMethod().equals(exchange.getRequestMethod())) {
            throw ErrorBodies.routeNotFound();
        }
        if (!config.apiKey().equals(apiKey(exchange))) {
            throw ErrorBodies.apiKeyInvalid();
        }
        if (!config.servesModel(route.model())) {
            throw ErrorBodies.modelNotFound(
                    route.model(), route.apiVersion(), route.kind().notFoundMethod());
        }
        ModelRules rules = state.rules();
        Retirement retirement = rules.retired().get(route.model());
        if (retirement != null) {
            throw ErrorBodies.retired(
                    route.model(), retirement, route.apiVersion(), route.kind().notFoundMethod());
        }
        ModelProfile profile = state.profiles.forModel(route.model());
        if (route.kind() == Route.Kind.GET_MODEL) { // models.get: free, like countTokens
            state.count(Outcome.OK);
            Wire.pause(config.latency().next());
            sendJson(exchange, ResponseBodies.model(profile));
            return;
        }
        ModelRequest request = ModelRequest.parse(body, route);
        if (!route.isModelCall()) {
            state.count(Outcome.OK);
            Wire.pause(config.latency().next());
            sendJson(exchange, ResponseBodies.countTokens(request.promptTokens()));
            return;
        }
        RequestRules.Thinking thinking = RequestRules.check(request, profile);
        if (rules.requireSignatures() && profile.thoughtSignatures()) {
            Signatures.check(request, route.model());
        }
        FunctionCalling.check(request);
        Answer answer = new Answer(route, request, body, profile, thinking, rules);
        ScriptedAnswer scripted = state.nextScripted();
        if (scripted != null) {
            state.count(Outcome.SCRIPTED);
            play(exchange, answer, scripted);
            return;
        }
        QuotaTracker.Rejection rejection = state.quota.tryAcquire(route.model(), request.promptTokens());
        if (rejection != null) {
            throw ErrorBodies.quotaExceeded(rejection, route.model());
        }
        state.count(Outcome.OK);
        Wire.pause(config.latency().next());
        Reply tools = FunctionCalling.answer(request);
        JsonNode schema = StructuredOutput.requestedSchema(request);
        if (config.demoAnswers() && schema == null && (tools == null || tools.functionCall() == null)) {
            Reply demo = DemoAnswers.answer(request, config.clock());
            tools = demo != null ? demo : tools;
        }
        String text = schema == null ? Reply.lisaText(request) : StructuredOutput.answer(request, schema);
        sendReply(exchange, answer, tools != null ? tools : Reply.of(text, request));
    }

    /** A model call that passed the checks, with what its reply needs to know. */
    private record Answer(
            Route route,
            ModelRequest request,
            String body,
            ModelProfile profile,
            RequestRules.Thinking thinking,
            ModelRules rules) {}

    private static String apiKey(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("x-goog-api-key");
        return header != null ? header : Query.param(exchange.getRequestURI().getRawQuery(), "key");
    }

    private void play(HttpExchange exchange, Answer call, ScriptedAnswer answer) throws IOException {
        Wire.pause(answer.delay());
        switch (answer.mode()) {
            case REPLY -> sendReply(exchange, call, Reply.of(answer.replyText(), call.request()));
            case FUNCTION_CALL ->
                sendReply(
                        exchange,
                        call,
                        Reply.functionCall(answer.replyText(), (com.fasterxml.jackson.databind.node.ObjectNode)
                                Json.MAPPER.readTree(answer.body())));
            case FIXED ->
                Wire.sendFixed(exchange, answer.httpStatus(), answer.contentType(), Framing.concat(answer.pieces()));
            case STREAMED ->
                Wire.sendStreamed(
                        exchange, answer.httpStatus(), answer.contentType(), answer.pieces(), config.chunkGap());
            case DROP ->
                Wire.sendThenDrop(
                        exchange, answer.httpStatus(), answer.contentType(), answer.pieces(), config.chunkGap());
        }
    }

    private void sendReply(HttpExchange exchange, Answer call, Reply reply) throws IOException {
        Route route = call.route();
        String responseId = state.nextResponseId();
        ResponseBodies.Turn turn = turn(call, responseId);
        if (route.kind() == Route.Kind.GENERATE) {
            sendJson(exchange, ResponseBodies.unary(reply, turn));
            return;
        }
        List<ObjectNode> chunks = ResponseBodies.stream(reply, turn);
        if (route.sse()) {
            Wire.sendStreamed(
                    exchange,
                    200,
                    ScriptedAnswer.SSE,
                    chunks.size(),
                    i -> Framing.sseEvent(Json.oneLine(stamped(chunks.get(i)))),
                    config.chunkGap());
            return;
        }
        // without alt=sse the API streams one JSON array: [{...}\n,\r\n{...}\n]
        int last = chunks.size() - 1;
        Wire.sendStreamed(
                exchange,
                200,
                ScriptedAnswer.JSON,
                chunks.size(),
                i -> ((i == 0 ? "[" : "\n,\r\n") + Json.pretty(stamped(chunks.get(i))) + (i == last ? "\n]" : ""))
                        .getBytes(StandardCharsets.UTF_8),
                config.chunkGap());
    }

    /**
     * Usage and signing of one reply: cached tokens from the prompt cache (then this prompt is
     * remembered), thought tokens and summary from the thinking settings, and a signer that records
     * each signature it makes when the model signs its parts.
     */
    private ResponseBodies.Turn turn(Answer call, String responseId) {
        String model = call.route().model();
        int minimum = call.rules().cacheMinTokens() > 0
                ? call.rules().cacheMinTokens()
                : call.profile().minCacheTokens();
        int cached = state.promptCache.cachedTokensThenRemember(
                model, call.request(), minimum, call.rules().cacheWindow());
        RequestRules.Thinking thinking = call.thinking();
        String summary = thinking.includeThoughts()
                ? "**Lisa überlegt** (%s): %d Gedanken-Tokens zur letzten Nachricht."
                        .formatted(thinking.level() == null ? "budget" : thinking.level(), thinking.thoughtTokens())
                : null;
        ResponseBodies.Signer signer = null;
        if (call.profile().thoughtSignatures()) {
            signer = (index, functionCall) -> {
                String signature = Signatures.sign(model, call.body(), index, functionCall);
                state.recordSignature(new IssuedSignature(
                        responseId, model, functionCall == null ? "text" : "functionCall", signature));
                return signature;
            };
        }
        return new ResponseBodies.Turn(
                call.request().promptTokens(), cached, thinking.thoughtTokens(), summary, signer, model, responseId);
    }

    /**
     * The chunk, with "[emu-t=NANOS] " in front of its text when chunks are stamped. Called just
     * before the chunk is written, so the stamp is the moment it leaves the emulator.
     */
    private ObjectNode stamped(ObjectNode chunk) {
        if (!config.stampChunks()) {
            return chunk;
        }
        ObjectNode part = (ObjectNode)
                chunk.path("candidates").path(0).path("content").path("parts").path(0);
        if (!part.has("text")) { // a function-call part has no text to stamp
            return chunk;
        }
        String text = part.path("text").asText();
        part.put("text", EmulatorConfig.STAMP_PREFIX + System.nanoTime() + "] " + text);
        return chunk;
    }

    private static void sendJson(HttpExchange exchange, ObjectNode body) throws IOException {
        Wire.sendFixed(exchange, 200, ScriptedAnswer.JSON, Json.pretty(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        Wire.sendFixed(
                exchange,
                error.status(),
                ScriptedAnswer.JSON,
                Json.pretty(error.body()).getBytes(StandardCharsets.UTF_8));
    }
}
