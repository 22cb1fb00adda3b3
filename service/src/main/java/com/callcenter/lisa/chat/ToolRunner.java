package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.FunctionCalls;
import com.callcenter.lisa.gemini.ToolDeclaration;
import com.callcenter.lisa.persona.Persona;
import com.callcenter.lisa.persona.PersonaTool;
import com.callcenter.lisa.session.HandoffNotice;
import com.callcenter.lisa.text.InvalidMessageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries out the tool calls Gemini asks for: checks the arguments against the tool's schema and calls its
 * endpoint. Whatever happens comes back as a result for the model ({@code {"error": "..."}} when the call
 * could not be made or failed), so that Lisa can tell the customer; nothing here throws for a tool's failure.
 *
 * <p>The endpoint gets {@code {"sessionId", "turn", "call": {"name", "args"}}} and the header
 * {@code Idempotency-Key: <sessionId>/<turn>/<call index>} (the index counts the turn's calls from 1), so a
 * webhook that sees the same call twice can act once. URLs and headers may hold secrets (resolved from the
 * configuration): they are never logged, stored or shown.
 */
@Component
class ToolRunner {

    /** The built-in tool every persona has unless it opts out. */
    static final String REQUEST_HUMAN = "request_human";

    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);
    /** The longest endpoint answer passed on to the model; longer ones are an error. */
    private static final int MAX_RESULT_CHARS = 16_000;

    private static final String REQUEST_HUMAN_SCHEMA = """
            {"type":"object","required":["reason"],"properties":{"reason":{"type":"string",\
            "description":"Why a human agent should take over, in one sentence."}}}""";

    private final Environment environment;
    private final JsonMapper json;
    private final HumanHandoff handoff;
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    ToolRunner(Environment environment, JsonMapper json, HumanHandoff handoff) {
        this.environment = environment;
        this.json = json;
        this.handoff = handoff;
    }

    /** What Gemini is told of the persona's tools: its own, then request_human unless it opted out. */
    List<ToolDeclaration> declarations(Persona persona) {
        List<ToolDeclaration> declared = new ArrayList<>();
        for (PersonaTool tool : persona.tools()) {
            declared.add(new ToolDeclaration(tool.name(), tool.description(), tool.parametersJson()));
        }
        if (persona.requestHuman()
                && declared.stream().noneMatch(tool -> tool.name().equals(REQUEST_HUMAN))) {
            declared.add(new ToolDeclaration(
                    REQUEST_HUMAN,
                    "Hands the call to a human agent of the call center, e.g. when the customer asks for a person "
                            + "or you cannot help further.",
                    REQUEST_HUMAN_SCHEMA));
        }
        return List.copyOf(declared);
    }

    /**
     * Carries out one call.
     *
     * @param index    the call's number within the turn, from 1
     * @param deadline what is left of the turn's time: the endpoint gets at most this, or its own timeout if shorter
     */
    ToolCall run(Persona persona, UUID sessionId, int turn, int index, FunctionCalls.Call call, Duration deadline) {
        JsonNode args = call.args();
        Optional<PersonaTool> declared = persona.tools().stream()
                .filter(t -> t.name().equals(call.name()))
                .findFirst();
        if (declared.isEmpty()) {
            if (persona.requestHuman() && REQUEST_HUMAN.equals(call.name())) {
                return requestHuman(sessionId, args);
            }
            return new ToolCall(
                    call.name(),
                    args,
                    ToolCall.UNKNOWN_TOOL,
                    error("There is no tool named \"" + call.name() + "\"; use only the declared tools."),
                    0);
        }
        PersonaTool tool = declared.get();
        List<String> wrong = tool.checkArguments(args);
        if (!wrong.isEmpty()) {
            return new ToolCall(
                    call.name(),
                    args,
                    ToolCall.INVALID_ARGUMENTS,
                    error("The arguments do not fit the tool's parameters: " + String.join("; ", wrong)),
                    0);
        }
        return callEndpoint(tool, sessionId, turn, index, args, deadline);
    }

    /**
     * Hands the call to a human agent ({@link HumanHandoff#handOffByLisa}): the session becomes
     * {@code handed_off}; this turn still completes and is stored, and Lisa takes no more messages until it is
     * resumed.
     */
    private ToolCall requestHuman(UUID sessionId, JsonNode args) {
        JsonNode reason = args.path("reason");
        if (!reason.isString() || reason.asString().isBlank()) {
            return new ToolCall(
                    REQUEST_HUMAN,
                    args,
                    ToolCall.INVALID_ARGUMENTS,
                    error("request_human needs a \"reason\" (text)."),
                    0);
        }
        long start = System.nanoTime();
        try {
            HandoffNotice notice = handoff.handOffByLisa(sessionId, reason.asString());
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put("handedOff", true);
            result.put("at", notice.at().toString());
            result.put("note", "A human agent takes the call over now; tell the customer so, briefly.");
            return new ToolCall(REQUEST_HUMAN, args, ToolCall.OK, result, millisSince(start), notice);
        } catch (InvalidMessageException e) {
            return new ToolCall(
                    REQUEST_HUMAN, args, ToolCall.INVALID_ARGUMENTS, error(e.getMessage()), millisSince(start));
        } catch (RuntimeException e) {
            log.warn(
                    "request_human of session {} could not hand off: {}",
                    sessionId,
                    e.getClass().getSimpleName());
            return new ToolCall(
                    REQUEST_HUMAN,
                    args,
                    ToolCall.ERROR,
                    error("No human agent can take over this conversation right now; keep helping the customer."),
                    millisSince(start));
        }
    }

    private ToolCall callEndpoint(
            PersonaTool tool, UUID sessionId, int turn, int index, JsonNode args, Duration deadline) {
        PersonaTool.Http endpoint = tool.http();
        Duration timeout = endpoint.timeout().compareTo(deadline) <= 0 ? endpoint.timeout() : deadline;
        long start = System.nanoTime();
        if (!timeout.isPositive()) {
            return new ToolCall(
                    tool.name(), args, ToolCall.TIMEOUT, error("The turn had no time left to call the tool."), 0);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("sessionId", sessionId.toString());
        body.put("turn", turn);
        ObjectNode callNode = body.putObject("call");
        callNode.put("name", tool.name());
        callNode.set("args", args);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(endpoint.resolvedUrl(environment::getProperty)))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", sessionId + "/" + turn + "/" + index);
            endpoint.resolvedHeaders(environment::getProperty).forEach(request::header);
            HttpRequest.BodyPublisher publisher = "GET".equals(endpoint.method())
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8);
            HttpResponse<String> response = http.send(
                    request.method(endpoint.method(), publisher).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            long took = millisSince(start);
            int status = response.statusCode();
            if (status < 200 || status > 299) {
                logged(tool, sessionId, turn, index, "HTTP " + status, took);
                return new ToolCall(
                        tool.name(),
                        args,
                        ToolCall.ERROR,
                        error("The tool failed (HTTP " + status + "); nothing is known to have been done."),
                        took);
            }
            if (response.body().length() > MAX_RESULT_CHARS) {
                logged(tool, sessionId, turn, index, "answer too long", took);
                return new ToolCall(
                        tool.name(), args, ToolCall.ERROR, error("The tool's answer was too long to use."), took);
            }
            logged(tool, sessionId, turn, index, "ok", took);
            return new ToolCall(tool.name(), args, ToolCall.OK, result(response.body()), took);
        } catch (HttpTimeoutException e) {
            long took = millisSince(start);
            logged(tool, sessionId, turn, index, "timeout", took);
            return new ToolCall(
                    tool.name(),
                    args,
                    ToolCall.TIMEOUT,
                    error("The tool did not answer within " + timeout.toMillis()
                            + " ms; it may or may not have acted."),
                    took);
        } catch (IOException | RuntimeException e) {
            // Not the exception's text: it may name the URL, and the URL may hold a secret.
            long took = millisSince(start);
            logged(tool, sessionId, turn, index, "unreachable (" + e.getClass().getSimpleName() + ")", took);
            return new ToolCall(tool.name(), args, ToolCall.ERROR, error("The tool could not be reached."), took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ToolCall(tool.name(), args, ToolCall.ERROR, error("The call was stopped."), millisSince(start));
        }
    }

    /** The endpoint's answer as a JSON object: an object as it is, anything else under "result". */
    private JsonNode result(String body) {
        if (body.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode parsed = json.readTree(body);
            if (parsed.isObject()) {
                return parsed;
            }
            return JsonNodeFactory.instance.objectNode().set("result", parsed);
        } catch (JacksonException e) {
            return JsonNodeFactory.instance.objectNode().put("result", body);
        }
    }

    private static ObjectNode error(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message);
    }

    private static long millisSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static void logged(PersonaTool tool, UUID sessionId, int turn, int index, String outcome, long took) {
        log.info(
                "Tool {} (call {} of turn {} of session {}): {} in {} ms",
                tool.name(),
                index,
                turn,
                sessionId,
                outcome,
                took);
    }
}
