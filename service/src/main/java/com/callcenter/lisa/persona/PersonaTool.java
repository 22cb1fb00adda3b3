package com.callcenter.lisa.persona;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool a persona declares for Gemini function calling: what the model is told (name, description,
 * parameters) and the HTTP endpoint the service calls for it. Checked at start-up; called by the chat turn.
 *
 * @param name           the function name the model uses
 * @param description    what the tool does, for the model
 * @param parametersJson the JSON Schema of the arguments, as JSON text ({@code {"type":"object"}} when not declared)
 * @param parameters     that schema, compiled
 * @param http           the endpoint
 * @param line           the line of the tool in persona.yml (for messages)
 */
public record PersonaTool(
        String name, String description, String parametersJson, Schema parameters, Http http, int line) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The parameter schema as a JSON tree (a fresh copy each time), e.g. for the function declaration. */
    public JsonNode parametersSchema() {
        return JSON.readTree(parametersJson);
    }

    /** What is wrong with the model's arguments, in words; empty when they fit the schema. */
    public List<String> checkArguments(JsonNode arguments) {
        return parameters.validate(arguments).stream().map(Error::toString).toList();
    }

    /**
     * The HTTP call of a tool. URL and header values may hold {@code ${NAME}} placeholders, resolved from the
     * service's configuration (environment variables, properties) when the call is made, so secrets such as
     * tokens stay out of persona.yml; every name was checked to be set at start-up.
     *
     * @param method  GET, POST, PUT, PATCH or DELETE
     * @param url     the URL template
     * @param headers header name to value template
     * @param timeout the whole call
     */
    public record Http(String method, String url, Map<String, String> headers, Duration timeout) {

        static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

        public Http {
            headers = Map.copyOf(headers);
        }

        /** The configuration names the URL and headers use. */
        public Set<String> variables() {
            Set<String> names = new TreeSet<>();
            collect(url, names);
            headers.values().forEach(value -> collect(value, names));
            return names;
        }

        /** The URL with its placeholders replaced. */
        public String resolvedUrl(UnaryOperator<String> variables) {
            return resolve(url, variables);
        }

        /** The headers with their placeholders replaced. Never log the result: it may hold secrets. */
        public Map<String, String> resolvedHeaders(UnaryOperator<String> variables) {
            Map<String, String> resolved = new java.util.LinkedHashMap<>();
            headers.forEach((name, value) -> resolved.put(name, resolve(value, variables)));
            return resolved;
        }

        static String resolve(String template, UnaryOperator<String> variables) {
            Matcher matcher = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String value = variables.apply(matcher.group(1));
                if (value == null) {
                    throw new IllegalStateException("The tool setting ${" + matcher.group(1) + "} is not set");
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(out);
            return out.toString();
        }

        private static void collect(String template, Set<String> into) {
            Matcher matcher = PLACEHOLDER.matcher(template);
            while (matcher.find()) {
                into.add(matcher.group(1));
            }
        }
    }
}
